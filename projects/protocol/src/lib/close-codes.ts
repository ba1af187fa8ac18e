/*
 * WebSocket close codes with a meaning in protocol v1, and what a client does on each
 * (docs/protocol.md, "Close codes"). They come in two groups so that a browser bundle carries
 * only the codes a client uses; `CloseCode` holds them all.
 */

/** The codes a client sends, or acts on in a way of its own: what `@changefeed/angular` uses. */
export const ClientCloseCode = {
  /** Normal closure: the client asked for it. */
  Normal: 1000,
  /** Server going away (restart, deploy): reconnect soon, spread over the window the reason names. */
  GoingAway: 1001,
  /** Sent by a client whose heartbeat found the socket dead; it reconnects with backoff. */
  HeartbeatTimeout: 4000,
  /** Unauthenticated: refresh credentials, then back off. */
  Unauthenticated: 4401,
  /** Forbidden: do not reconnect. */
  Forbidden: 4403,
} as const;

/** The codes after which a client only backs off, as it does after a failure with no code. */
export const BackOffCloseCode = {
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
} as const;

/**
 * Every close code of protocol v1, for the server and for tests. A pure call on plain references
 * (a spread would count as a side effect), so a bundle that does not use it, the SDK's, leaves it out.
 */
export const CloseCode = /* @__PURE__ */ Object.assign({}, ClientCloseCode, BackOffCloseCode);

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
