/**
 * Wire protocol v1 frame types. docs/protocol.md is the authoritative description;
 * these types are its machine-checked copy, shared by the SDK and the server.
 */

/** The protocol version announced in `welcome`. */
export const PROTOCOL_VERSION = 1;

/** A row id as it travels on the wire. */
export type RowId = string | number;

/**
 * What happened to the row. `reset` means "anything may have changed: refetch the collection".
 * Any other string passes through untouched so servers can add their own operations.
 */
export type Op = 'insert' | 'update' | 'delete' | 'reset' | (string & {});

/**
 * A notification is a hint that `collection` (optionally row `id`) changed. Any object with a
 * string `collection` is one, so a plain broadcast server needs no further protocol.
 * Unknown fields pass through.
 */
export interface Notification<T = unknown> {
  collection: string;
  op?: Op;
  id?: RowId;
  data?: T;
  /** Position in the server epoch's stream; strictly increasing per epoch. */
  seq?: number;
  [field: string]: unknown;
}

/** First frame of every connection to a protocol-aware server. */
export interface WelcomeFrame {
  type: 'welcome';
  protocol: number;
  /** Identifies one run of one server; `seq` is only comparable within an epoch. */
  epoch: string;
  /** The last seq assigned so far. */
  seq: number;
  /** The server's heartbeat interval in ms; the client pings when idle for this long. */
  heartbeat: number;
}

/** Acknowledges `subscribe`: from `seq` on, every matching notification is delivered. */
export interface SubscribedFrame {
  type: 'subscribed';
  collections: string[];
  ids?: RowId[];
  seq: number;
}

/** The gap cannot be replayed: refetch these collections. */
export interface ResetFrame {
  type: 'reset';
  collections: string[];
}

export interface PongFrame {
  type: 'pong';
}

/** Error codes a server sends in `error` frames. Other strings are allowed and passed through. */
export type ServerErrorCode =
  | 'bad_request'
  | 'forbidden'
  | 'too_many'
  | 'rate_limited'
  | 'internal'
  | (string & {});

export interface ErrorFrame {
  type: 'error';
  code: ServerErrorCode;
  message: string;
  collections?: string[];
}

export type ControlFrame = WelcomeFrame | SubscribedFrame | ResetFrame | PongFrame | ErrorFrame;

/** Everything a server may send. */
export type ServerFrame = Notification | ControlFrame;

export interface SubscribeFrame {
  type: 'subscribe';
  collections: string[];
  /** Narrows the listed collections to these rows. */
  ids?: RowId[];
}

export interface UnsubscribeFrame {
  type: 'unsubscribe';
  collections: string[];
  ids?: RowId[];
}

/**
 * Sent on reconnect: replay what I missed after `after`, or reset. With `subscribes`, it comes
 * before that many subscribe frames and the server answers it once they are all processed, live
 * notifications held meanwhile, so none can pass `after` before the replay (docs/protocol.md).
 */
export interface ResumeFrame {
  type: 'resume';
  epoch: string;
  after: number;
  /** How many subscribe frames follow that this resume waits for. */
  subscribes?: number;
}

export interface PingFrame {
  type: 'ping';
}

/** Everything a client may send. */
export type ClientFrame = SubscribeFrame | UnsubscribeFrame | ResumeFrame | PingFrame;

/** True for notifications, false for control frames. */
export function isNotification(frame: ServerFrame): frame is Notification {
  return typeof (frame as Notification).collection === 'string';
}
