import { CloseCode } from '@changefeed/protocol';
import { ReconnectOptions } from './with-reconnect';

/**
 * How long to wait before reconnect attempt `attempt` (0-based) after a close with `code`: full
 * jitter over a capped exponential, so clients that lost the same server spread out instead of
 * returning in waves.
 */
export function backoffDelay(
  attempt: number,
  code: number,
  options: Required<ReconnectOptions>,
  random: () => number,
): number {
  const { initialDelay, multiplier, maxDelay } = options;
  // A server going away (deploy) is back in a moment: come back quickly, jittered over a second.
  // Only on a first attempt, so a server that keeps going away still gets backed off from.
  if (code === CloseCode.GoingAway && attempt === 0) return random() * 1000;
  const delay = random() * Math.min(maxDelay, initialDelay * multiplier ** attempt);
  // Never a tight loop of credential refreshes, whatever the jitter drew.
  return code === CloseCode.Unauthenticated ? Math.max(delay, initialDelay) : delay;
}
