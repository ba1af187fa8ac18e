import { InjectionToken } from '@angular/core';

// Production builds define ngDevMode as false: the token's description is for error messages in dev.
declare const ngDevMode: unknown;

/** Source of the backoff jitter, a number in [0, 1). Tests pin it to make delays exact. */
export const NOTIFICATIONS_RANDOM = new InjectionToken<() => number>(
  typeof ngDevMode === 'undefined' || ngDevMode ? 'changefeed NOTIFICATIONS_RANDOM' : '',
  {
    providedIn: 'root',
    factory: () => Math.random,
  },
);
