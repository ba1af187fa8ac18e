import { ClientCloseCode, reconnectWindow } from '@changefeed/protocol';
import type { ReconnectOptions } from './reconnect-options';

/*
 * When to reconnect after a lost connection, with no Angular, socket or timer in it: the
 * WebSocketService runs it for the app, and the bench runs it for a fleet of 10,000 clients
 * (bench/workers/fleet.ts), so the storm the bench measures is the one the SDK causes.
 */

/** Not a close code: the attempt got no socket (the url function or the factory threw). */
export const NO_SOCKET = 0;

/**
 * Losses that only say the server is not there (yet), and so ride a reconnect window: no socket,
 * a closed connection with no status (1005, reported by the browser) or a broken one (1006), and
 * the server's own 1000 and 1001. Every other close backs off exponentially, inside a window too:
 * 1002 and 1007 (`ws` rejected a frame this client sent: broken framing, invalid UTF-8) and
 * 1008/1009 (policy, too big) say this client sends something the server rejects, and it would
 * likely send it again; 1013 asks for patience, 4000 is a dead socket, 4401 wants credentials.
 */
const SERVER_AWAY: ReadonlySet<number> = new Set([
  NO_SOCKET,
  ClientCloseCode.Normal,
  ClientCloseCode.GoingAway,
  1005,
  1006,
]);

/** What to do after a lost connection: dial again after `delay` ms, or stop for good. */
export type ReconnectDecision =
  | { readonly retry: true; readonly delay: number }
  | {
      readonly retry: false;
      /** `forbidden`: the server closed with 4403. `reconnect_failed`: `maxAttempts` failed in a row. */
      readonly reason: 'forbidden' | 'reconnect_failed';
    };

/**
 * The reconnect state of one client: failed attempts in a row, and the window a server going
 * away named, if one is open.
 *
 * @example
 * const policy = new ReconnectPolicy(NOTIFICATIONS_DEFAULTS.reconnect, Math.random);
 * socket.onclose = (e) => {
 *   const next = policy.lost(e.code, e.reason, openedAt ? Date.now() - openedAt : undefined);
 *   if (next.retry) setTimeout(connect, next.delay);
 * };
 */
export class ReconnectPolicy {
  readonly #options: Required<ReconnectOptions>;
  readonly #random: () => number;
  /** Failed attempts since the last stable connection, or since a window opened. */
  #attempts = 0;
  /** The window a 1001 asked reconnects to be spread over, in ms; 0 while none is open. */
  #window = 0;

  /** `random`: the source of jitter, a number in [0, 1). */
  constructor(options: Required<ReconnectOptions>, random: () => number) {
    this.#options = options;
    this.#random = random;
  }

  /**
   * The connection closed with `code` and `reason` ({@link NO_SOCKET} when the attempt got no
   * socket), after it had been open `openFor` ms (undefined when it never opened), while the page
   * was `visible` or not.
   */
  lost(
    code: number,
    reason: string | undefined,
    openFor: number | undefined,
    visible = false,
  ): ReconnectDecision {
    // Only a connection that stayed up proves the server healthy; a flapping one keeps backing off.
    if (openFor !== undefined && openFor >= this.#options.stableAfter)
      this.#attempts = this.#window = 0;
    if (code === ClientCloseCode.Forbidden) return { retry: false, reason: 'forbidden' };
    if (this.#attempts >= this.#options.maxAttempts)
      return { retry: false, reason: 'reconnect_failed' };
    // The window a server going away names holds for the attempts after it (backoffDelay). It
    // opens on any 1001 that names one while none is open (a stable connection closes the last),
    // even if the loss before was recent: a proxy drop just before a deploy must not cost the
    // deploy its window. A 1001 inside an open window counts as one more failed attempt, so a
    // server that keeps going away is still backed off from.
    if (!this.#window && (this.#window = reconnectWindow(code, reason))) this.#attempts = 0;
    const delay = backoffDelay(
      this.#attempts++,
      code,
      this.#options,
      this.#random,
      this.#window,
      visible,
    );
    return { retry: true, delay };
  }
}

/**
 * How long to wait before reconnect attempt `attempt` (0-based) after a close with `code`: full
 * jitter over a capped exponential, so clients that lost the same server spread out instead of
 * returning in waves. `window`: the window, in ms, that the 1001 which began these attempts asked
 * reconnects to be spread over (the protocol's `reconnectWindow()`); 0 when there is none.
 * `visible`: whether the page is visible, which lowers the cap while the server is only away.
 */
export function backoffDelay(
  attempt: number,
  code: number,
  options: Required<ReconnectOptions>,
  random: () => number,
  window = 0,
  visible = false,
): number {
  const { initialDelay, multiplier, maxDelay, visibleMaxDelay } = options;
  // A window: the first attempt at a random point in it, each failed one (the server is not back
  // yet: 1006, or no socket) one window later. Every client keeps its random phase, so however
  // long the server takes, attempts keep arriving evenly at the rate it asked for, where
  // exponential backoff bunches them right after it returns. Up to an eighth of a window more, so
  // clients whose attempts failed together (a proxy that held them, then gave up) drift apart
  // again; no more, since every bit of it thins out the retries that land after the last first
  // attempts (a quarter made the tail of a restart a third as dense as the rest); never earlier,
  // which would pile retries onto first attempts still due. For up to maxDelay of outage, then as
  // below. Closes that are not SERVER_AWAY are backed off from as ever.
  if (window && SERVER_AWAY.has(code) && attempt * window < maxDelay)
    return window * (attempt ? 1 + random() / 8 : random());
  // A server going away (deploy) without a window is back in a moment: come back quickly,
  // jittered over a second. Only on a first attempt, so a server that keeps going away still
  // gets backed off from.
  if (code === ClientCloseCode.GoingAway && !attempt) return random() * 1000;
  // Someone looking at a page waiting for a server that crashed wants it back within seconds of
  // the server, not up to maxDelay later: while the server is only away, a visible page's bound
  // stops growing at visibleMaxDelay. The rate stays bounded (10,000 visible pages at a 4 s cap
  // try about 5,000 times a second, each a refused connection while the server is down, and
  // come back evenly over 4 s, 2,500/s, once it is up); a hidden tab needs no hurry (it dials at
  // once when shown), and a client the server refuses keeps backing off to maxDelay.
  const cap = visible && SERVER_AWAY.has(code) ? Math.min(maxDelay, visibleMaxDelay) : maxDelay;
  const delay = random() * Math.min(cap, initialDelay * multiplier ** attempt);
  // Never a tight loop of credential refreshes, whatever the jitter drew.
  return code === ClientCloseCode.Unauthenticated ? Math.max(delay, initialDelay) : delay;
}
