/** Codes of the errors the cluster log reports (to join ErrorCode in src/errors.ts when wired). */
export const LogErrorCode = {
  /** A bad option of redisLog() (a TypeError). */
  InvalidOption: 'ERR_CHANGEFEED_INVALID_OPTION',
  /** Redis cannot be reached (or @redis/client is not installed); the log retries by itself. */
  Unavailable: 'ERR_CHANGEFEED_LOG_UNAVAILABLE',
  /** Records were dropped or an append's outcome is unknown; a reset marker covers them. */
  AppendLost: 'ERR_CHANGEFEED_LOG_APPEND_LOST',
  /** The tail handler threw; the tail reported it and went on reading. */
  Handler: 'ERR_CHANGEFEED_LOG_HANDLER',
  /** The stream holds an entry this package did not write; it is skipped and reported as a gap. */
  BadEntry: 'ERR_CHANGEFEED_LOG_BAD_ENTRY',
} as const;
export type LogErrorCode = (typeof LogErrorCode)[keyof typeof LogErrorCode];

/** An operational error of the cluster log, with a string `.code`. */
export class LogError extends Error {
  constructor(
    readonly code: LogErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`@changefeed/server: ${message}`, options);
    this.name = 'LogError';
  }
}

/** A bad option of redisLog(). */
export class LogOptionError extends TypeError {
  readonly code = LogErrorCode.InvalidOption;
  constructor(message: string) {
    super(`@changefeed/server: redisLog(): ${message}`);
    this.name = 'LogOptionError';
  }
}
