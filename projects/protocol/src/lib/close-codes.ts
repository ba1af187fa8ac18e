/**
 * WebSocket close codes with a meaning in protocol v1, and what a client does on each.
 */
export const CloseCode = {
  /** Normal closure: the client asked for it. */
  Normal: 1000,
  /** Server going away (restart, deploy): reconnect at once, jittered. */
  GoingAway: 1001,
  /** Policy violation (rate limit, protocol abuse): back off. */
  Policy: 1008,
  /** Frame larger than the server accepts: back off. */
  TooBig: 1009,
  /** Try later, or dropped as too slow: back off, then resume. */
  TryLater: 1013,
  /** Unauthenticated: refresh credentials, then back off. */
  Unauthenticated: 4401,
  /** Forbidden: do not reconnect. */
  Forbidden: 4403,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
