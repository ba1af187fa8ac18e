import { InjectionToken } from '@angular/core';

// Production builds define ngDevMode as false: the token's description is for error messages in dev.
declare const ngDevMode: unknown;

/** Time as the SDK sees it: wall-clock reads and timers, so tests can drive both exactly. */
export interface NotificationsClock {
  /** Wall-clock time in ms, compared against the last frame's arrival (timers may be throttled). */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The clock behind backoff, heartbeat, linger and welcome timeouts. The testing kit swaps in `FakeClock`. */
export const NOTIFICATIONS_CLOCK = new InjectionToken<NotificationsClock>(
  typeof ngDevMode === 'undefined' || ngDevMode ? 'changefeed NOTIFICATIONS_CLOCK' : '',
  {
    providedIn: 'root',
    // Date.now ignores its receiver; the timer functions must be called on the global object.
    factory: () => ({
      now: Date.now,
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    }),
  },
);
