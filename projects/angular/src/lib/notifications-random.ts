import { InjectionToken } from '@angular/core';

/** Source of the backoff jitter, a number in [0, 1). Tests pin it to make delays exact. */
export const NOTIFICATIONS_RANDOM = new InjectionToken<() => number>(
  'changefeed NOTIFICATIONS_RANDOM',
  {
    providedIn: 'root',
    factory: () => Math.random,
  },
);
