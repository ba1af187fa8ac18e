import { NotificationsFeature } from './notifications-feature';

/** Backoff between reconnect attempts: full jitter over a capped exponential. */
export interface ReconnectOptions {
  /** Upper bound of the first delay, in ms. Default 500. */
  initialDelay?: number;
  /** Growth of the bound per failed attempt. Default 2. */
  multiplier?: number;
  /** Cap of the bound, in ms. Default 30000. */
  maxDelay?: number;
  /** A connection open this long resets the attempt counter, in ms. Default 10000. */
  stableAfter?: number;
  /** Give up (state `closed`, error `reconnect_failed`) after this many failed attempts. Default Infinity. */
  maxAttempts?: number;
}

/**
 * Tunes reconnection. Without it the defaults apply.
 *
 * @example
 * provideNotifications({ url: '/ws' }, withReconnect({ maxDelay: 10_000 }))
 */
export function withReconnect(options: ReconnectOptions = {}): NotificationsFeature {
  return { kind: 'withReconnect', value: options };
}
