import { CLOSE_GOING_AWAY, CLOSE_UNAUTHENTICATED, reconnectWindow } from '@changefeed/protocol';
import type { ReconnectOptions } from './with-reconnect';

/**
 * How long to wait before reconnect attempt `attempt` (0-based) after a close with `code`: full
 * jitter over a capped exponential, so clients that lost the same server spread out instead of
 * returning in waves. `spread`: the window, in ms, that the 1001 which began these attempts asked
 * reconnects to be spread over ({@link spreadWindow}); 0 when there is none.
 */
export function backoffDelay(
  attempt: number,
  code: number,
  options: Required<ReconnectOptions>,
  random: () => number,
  spread?: number,
): number {
  const { initialDelay, multiplier, maxDelay } = options;
  // A window: the first attempt at a random point in it, each failed one (the server is not back
  // yet: 1006, or no url) one window later. Every client keeps its random phase, so however long
  // the server takes, attempts keep arriving evenly at the rate it asked for, where exponential
  // backoff bunches them right after it returns. Up to an eighth of a window more, so clients
  // whose attempts failed together (a proxy that held them, then gave up) drift apart again; no
  // more, since every bit of it thins out the retries that land after the last first attempts
  // (a quarter made the tail of a restart a third as dense as the rest); never earlier, which
  // would pile retries onto first attempts still due. For up to maxDelay of
  // outage, then as below. 1008, 1009, 1013 and 4401 are backed off from as ever.
  if (spread && code < 1007 && attempt * spread < maxDelay)
    return spread * (attempt ? 1 + random() / 8 : random());
  // A server going away (deploy) without a window is back in a moment: come back quickly,
  // jittered over a second. Only on a first attempt, so a server that keeps going away still
  // gets backed off from.
  if (code === CLOSE_GOING_AWAY && !attempt) return random() * 1000;
  const delay = random() * Math.min(maxDelay, initialDelay * multiplier ** attempt);
  // Never a tight loop of credential refreshes, whatever the jitter drew.
  return code === CLOSE_UNAUTHENTICATED ? Math.max(delay, initialDelay) : delay;
}

/**
 * The window, in ms, a close with `code` asks reconnects to be spread over (the protocol's
 * `spread=<ms>` token of a 1001); 0 for anything else, an absent reason or a garbled one: then
 * reconnects follow the old rules.
 */
export const spreadWindow = reconnectWindow;
