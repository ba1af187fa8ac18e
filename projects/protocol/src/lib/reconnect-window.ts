/*
 * The reconnect window a 1001 close may name (docs/protocol.md, "The reconnect window of a 1001"):
 * the token `spread=<ms>` in the close reason. Written and read here only, so the server that
 * names it and the clients that obey it cannot drift apart.
 */
import { ClientCloseCode } from './close-codes';

/** Shortest window a client accepts, ms: a server cannot ask for a tight reconnect loop. */
export const MIN_RECONNECT_WINDOW = 1000;
/** Longest window a client accepts, ms: a server cannot ask for minutes of silence. */
export const MAX_RECONNECT_WINDOW = 99_999;

// A 4- or 5-digit decimal at the start of the reason or after a non-word character.
const TOKEN = /\bspread=(\d{4,5})\b/;

/**
 * The close reason of a 1001 that asks clients to spread their reconnects over `windowMs`,
 * clamped to what clients accept.
 *
 * @example ws.close(CloseCode.GoingAway, goingAwayReason(5000)); // 'server going away; spread=5000'
 */
export function goingAwayReason(windowMs: number): string {
  const ms = Math.round(Math.min(MAX_RECONNECT_WINDOW, Math.max(MIN_RECONNECT_WINDOW, windowMs)));
  return `server going away; spread=${ms}`;
}

/**
 * The window, in ms, a close with `code` and `reason` asks reconnects to be spread over; 0 for
 * any other code, an absent reason, or a token that is garbled or out of range (then clients
 * follow their ordinary backoff).
 */
export function reconnectWindow(code: number, reason = ''): number {
  if (code !== ClientCloseCode.GoingAway) return 0;
  const ms = Number(TOKEN.exec(reason)?.[1] ?? 0);
  return ms >= MIN_RECONNECT_WINDOW && ms <= MAX_RECONNECT_WINDOW ? ms : 0;
}
