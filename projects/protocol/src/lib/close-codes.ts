/*
 * WebSocket close codes with a meaning in protocol v1, and what a client does on each. Each is
 * also a constant of its own: bundlers inline those, where a property of `CloseCode` ships the
 * whole object (the SDK counts its bytes).
 */

/** Normal closure: the client asked for it. */
export const CLOSE_NORMAL = 1000;
/** Server going away (restart, deploy): reconnect soon, spread over the window the reason names. */
export const CLOSE_GOING_AWAY = 1001;
/** Policy violation (rate limit, protocol abuse): back off. */
export const CLOSE_POLICY = 1008;
/** Frame larger than the server accepts: back off. */
export const CLOSE_TOO_BIG = 1009;
/** Try later, or dropped as too slow: back off, then resume. */
export const CLOSE_TRY_LATER = 1013;
/** Sent by a client whose heartbeat found the socket dead; it reconnects with backoff. */
export const CLOSE_HEARTBEAT_TIMEOUT = 4000;
/** Unauthenticated: refresh credentials, then back off. */
export const CLOSE_UNAUTHENTICATED = 4401;
/** Forbidden: do not reconnect. */
export const CLOSE_FORBIDDEN = 4403;

export const CloseCode = {
  Normal: CLOSE_NORMAL,
  GoingAway: CLOSE_GOING_AWAY,
  Policy: CLOSE_POLICY,
  TooBig: CLOSE_TOO_BIG,
  TryLater: CLOSE_TRY_LATER,
  HeartbeatTimeout: CLOSE_HEARTBEAT_TIMEOUT,
  Unauthenticated: CLOSE_UNAUTHENTICATED,
  Forbidden: CLOSE_FORBIDDEN,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
