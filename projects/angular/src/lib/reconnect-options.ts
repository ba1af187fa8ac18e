/**
 * Backoff between reconnect attempts: full jitter over a capped exponential. Defaults in
 * `NOTIFICATIONS_DEFAULTS.reconnect`; provideNotifications() checks each rule in dev mode.
 */
export interface ReconnectOptions {
  /** Upper bound of the first delay, in ms, at least 1. Default 500. */
  initialDelay?: number;
  /** Growth of the bound per failed attempt, at least 1. Default 2. */
  multiplier?: number;
  /** Cap of the bound, in ms, at least `initialDelay`. Default 30000. */
  maxDelay?: number;
  /** A connection open this long resets the attempt counter, in ms. Default 10000. */
  stableAfter?: number;
  /**
   * Give up (state `closed`, error `reconnect_failed`) after this many failed attempts in a row;
   * 0 never reconnects. Default Infinity.
   */
  maxAttempts?: number;
}
