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
  /**
   * Cap of the bound while the page is visible and the server is only away (no socket, 1000,
   * 1001, 1005, 1006), in ms, at least 1; the smaller of this and `maxDelay` applies. A page
   * someone looks at is then back within this long of a long outage ending, where the full cap
   * could keep its badge on "reconnecting" for up to `maxDelay`; hidden tabs (which reconnect at
   * once when shown) and clients the server refuses keep backing off to `maxDelay`.
   * Default 4000.
   */
  visibleMaxDelay?: number;
  /** A connection open this long resets the attempt counter, in ms. Default 10000. */
  stableAfter?: number;
  /**
   * Give up (state `closed`, error `reconnect_failed`) after this many failed attempts in a row;
   * 0 never reconnects. Default Infinity.
   */
  maxAttempts?: number;
}
