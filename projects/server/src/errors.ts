import { LogErrorCode } from './cluster/log-error.js';

/**
 * Every error @changefeed/server throws or reports carries a string `.code`, listed here.
 * Wire-level answers (error frames, close codes, HTTP statuses) are listed in README.md.
 */
export const ErrorCode = {
  /** An option is missing, mistyped or contradicts another (always a TypeError). */
  InvalidOption: 'ERR_CHANGEFEED_INVALID_OPTION',
  /** `notify()` got something that is not a valid notification (always a TypeError). */
  InvalidNotification: 'ERR_CHANGEFEED_INVALID_NOTIFICATION',
  /** `notify()` after `close()`. */
  Closed: 'ERR_CHANGEFEED_CLOSED',
  /** `authenticate` threw or rejected; the socket was closed with 1011, the SSE request got 500. */
  AuthenticateFailed: 'ERR_CHANGEFEED_AUTHENTICATE_FAILED',
  /** `authorize` threw or rejected; the collections were refused with an `internal` error frame. */
  AuthorizeFailed: 'ERR_CHANGEFEED_AUTHORIZE_FAILED',
  /** A source received a payload that is not a notification; it was not delivered. */
  SourcePayload: 'ERR_CHANGEFEED_SOURCE_PAYLOAD',
  /** A source lost or could not open its database connection; it retries with backoff. */
  SourceConnection: 'ERR_CHANGEFEED_SOURCE_CONNECTION',
  /** A source failed to start. */
  SourceStart: 'ERR_CHANGEFEED_SOURCE_START',
  /** A request's Host is not localhost or an IP address and `origins` is not set (answered 403; reported once). */
  OriginsRequired: 'ERR_CHANGEFEED_ORIGINS_REQUIRED',
  /** An optional peer package a source needs (`pg`) cannot be imported; `ready` rejects, no retry. */
  MissingPeer: 'ERR_CHANGEFEED_MISSING_PEER',
  /** The HTTP server failed (e.g. the port is in use). */
  Server: 'ERR_CHANGEFEED_SERVER',
  /** Cluster mode: Redis cannot be reached (or @redis/client is not installed); the log retries by itself. */
  LogUnavailable: LogErrorCode.Unavailable,
  /** Cluster mode: records were dropped or an append's outcome is unknown; a reset marker covers them. */
  LogAppendLost: LogErrorCode.AppendLost,
  /** Cluster mode: the log holds an entry changefeed did not write (or cannot read); it is skipped. */
  LogBadEntry: LogErrorCode.BadEntry,
  /** Cluster mode: the hub failed while handling the log's entries; the tail went on. */
  LogHandler: LogErrorCode.Handler,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An operational error with a `.code` from {@link ErrorCode}. */
export class ChangefeedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`@changefeed/server: ${message}`, options);
    this.name = 'ChangefeedError';
  }
}

/** A programming error (bad option, bad notification) with a `.code` from {@link ErrorCode}. */
export class ChangefeedTypeError extends TypeError {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(`@changefeed/server: ${message}`);
    this.name = 'ChangefeedTypeError';
  }
}

/** Wraps anything thrown into an Error for logs and error callbacks. */
export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
