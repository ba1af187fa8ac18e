/**
 * The seam between the hub and a shared log (cluster mode). The hub appends what its instance
 * notifies, tails the log for what every instance notified, and reads ranges for resumes; the
 * log numbers everything. See README.md beside this file for how the hub uses it.
 */

/** A point in the log: seqs are comparable within one epoch only. */
export interface LogPosition {
  epoch: string;
  seq: number;
}

/**
 * One numbered record of the log. `data` records carry what `append()` was given (the hub's
 * notification JSON, without seq); `reset` records are markers every instance turns into `reset`
 * for all of its clients, with `body` naming the reason (e.g. `'append-lost'`, `'handover'`).
 */
export interface LogEntry extends LogPosition {
  kind: 'data' | 'reset';
  body: string;
}

/** Why a tail lost continuity (see {@link LogGap}). */
export type GapReason =
  /** The epoch changed: the log was lost (Redis restarted without persistence, keys deleted). */
  | 'epoch'
  /** Entries this reader had not read are gone (trimmed past it, or the stream was deleted). */
  | 'trimmed';

/**
 * This instance cannot prove it saw every entry between `from` and `to`: its clients must get
 * `reset`, and resumes from before `to` must too. Delivery continues with the entry after `to`.
 */
export interface LogGap {
  from: LogPosition;
  to: LogPosition;
  reason: GapReason;
}

/** Receives the log in order. Both are called synchronously from the tail loop; neither may throw. */
export interface TailHandler {
  /** Consecutive entries (seq + 1 each, one epoch), in log order. */
  entries(batch: readonly LogEntry[]): void;
  /** Continuity lost; the next `entries` start right after `gap.to`. */
  gap(gap: LogGap): void;
}

/** Why {@link SharedLog.readRange} cannot answer with entries. */
export type RangeGone =
  /** Another epoch (or the log's meta is gone). */
  | 'epoch'
  /** Part of (after, head] is no longer retained. */
  | 'trimmed'
  /** A reset marker lies in (after, head]. */
  | 'reset'
  /** `after` is past the head: not a position this epoch ever had. */
  | 'ahead'
  /** The log could not be read (Redis away); reported to `onError`. */
  | 'unavailable';

export type RangeResult =
  { ok: true; head: number; entries: LogEntry[] } | { ok: false; reason: RangeGone };

/** Counters and gauges of one log object, for the notifier's metrics. */
export interface LogStats {
  /** Data records appended by this instance (acknowledged by Redis). */
  appended: number;
  /** Data records given to `append()` that are known or feared lost (each covered by a reset marker). */
  dropped: number;
  /** Records waiting to be appended (bounded by `maxPending` and `maxPendingChars`). */
  pending: number;
  /** Gaps the tail reported. */
  gaps: number;
  /** Whether both connections are up. */
  connected: boolean;
}

/** A shared, ordered, capped log: one epoch and one seq space for every instance. */
export interface SharedLog {
  /**
   * Queues records for appending, in order; the hub calls it once per task that notified, with
   * that task's notifications. Never throws, never waits: while Redis is slow or away the
   * records wait in a bounded queue, and whatever cannot be proven appended is covered by a reset
   * marker appended as soon as Redis answers again.
   */
  append(batch: readonly string[]): void;
  /** Queues a reset marker (a source lost notifications: a LISTEN gap, a bridge handover). */
  appendReset(reason: string): void;
  /**
   * Starts reading from the current head; resolves with that position once connected (retrying
   * while Redis is away). Call once.
   */
  tail(handler: TailHandler): Promise<LogPosition>;
  /**
   * Entries with seq in (after, head] of `epoch`, or why not (`'reset'`: a marker in the range).
   * With `limit`, the first `limit` of them, reset markers included as entries of kind `'reset'`
   * (a caller reading in pieces decides what they mean). Never rejects.
   */
  readRange(epoch: string, after: number, limit?: number): Promise<RangeResult>;
  /** Resolves once everything queued so far is appended or given up (covered by a marker). */
  flush(): Promise<void>;
  /**
   * For a graceful close: resolves once everything queued so far is appended and the tail has
   * handed over the log up to its head at that point, both within `closeTimeout` (past it, or
   * with Redis away, it resolves anyway). Clients told to leave after it have seen the head, so
   * their resumes elsewhere find nothing missing.
   */
  settle(): Promise<void>;
  stats(): LogStats;
  /** Flushes (bounded by `closeTimeout`), stops the tail and closes both connections. Idempotent. */
  close(): Promise<void>;
}
