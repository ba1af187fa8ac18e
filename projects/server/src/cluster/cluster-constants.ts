/** Defaults and bounds of the cluster log (to join src/constants.ts when the hub is wired). */

/** Key prefix: keys are `{<prefix>}:meta` and `{<prefix>}:log` (one hash slot, so Lua may touch both). */
export const DEFAULT_LOG_PREFIX = 'changefeed';
/** Entries the stream keeps at least (trimmed with `MAXLEN ~`, so a little more). */
export const DEFAULT_LOG_MAX_LEN = 10_000;
/** Records one instance may queue while Redis is slow or away; past it they are dropped and a reset marker covers them. */
export const DEFAULT_LOG_MAX_PENDING = 10_000;
/** The same bound in characters of record text: a few huge notifications must not outgrow memory either. */
export const DEFAULT_LOG_MAX_PENDING_CHARS = 16 * 1024 * 1024;
/** XREAD BLOCK timeout, ms: an idle tail checks the log's meta this often (detects a lost log with no new entries). */
export const DEFAULT_LOG_BLOCK_MS = 2_000;
/** How long close() waits for queued appends, ms. */
export const DEFAULT_LOG_CLOSE_TIMEOUT_MS = 5_000;
/** Records per Lua call: bounds how long one append holds Redis (about 1 ms). */
export const LOG_MAX_BATCH = 1_000;
/** Entries per read when an instance fills its ring from the log at start (each read holds Redis ~1 ms per 100). */
export const LOG_WARM_BATCH = 1_000;
/** Entries per XREAD. */
export const LOG_READ_COUNT = 1_000;
/** Redis reconnect backoff, ms: first delay and cap (full jitter). */
export const LOG_RECONNECT_MIN_MS = 50;
export const LOG_RECONNECT_MAX_MS = 2_000;
