/**
 * WebSocket close codes with a meaning in protocol v1, and what a client does on each
 * (docs/protocol.md, "Close codes").
 */
export const CloseCode = {
  /** Normal closure: the client asked for it. */
  Normal: 1000,
  /** Server going away (restart, deploy): reconnect soon, spread over the window the reason names. */
  GoingAway: 1001,
  /**
   * Protocol error, sent by `ws` when a frame breaks the WebSocket protocol (a bad opcode, an
   * unmasked client frame): the client sent something the server rejects, so it backs off.
   */
  ProtocolError: 1002,
  /** Invalid UTF-8 in a text frame, sent by `ws`: as for 1002, the client backs off. */
  InvalidData: 1007,
  /** Policy violation (rate limit, protocol abuse): back off. */
  Policy: 1008,
  /** Frame larger than the server accepts: back off. */
  TooBig: 1009,
  /** Try later, or dropped as too slow: back off, then resume. */
  TryLater: 1013,
  /** Sent by a client whose heartbeat found the socket dead; it reconnects with backoff. */
  HeartbeatTimeout: 4000,
  /** Unauthenticated: refresh credentials, then back off. */
  Unauthenticated: 4401,
  /** Forbidden: do not reconnect. */
  Forbidden: 4403,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
