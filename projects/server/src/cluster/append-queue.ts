import { LOG_MAX_BATCH } from './cluster-constants.js';
import { LogError, LogErrorCode } from './log-error.js';

/** Where the queue sends its records: one Redis connection, as seen by the queue. */
export interface AppendLink {
  /** Appends `field, value` pairs atomically; resolves once Redis acknowledged them. */
  send(pairs: string[]): Promise<void>;
  /** Whether a command sent now would reach Redis. */
  isReady(): boolean;
  /** Resolves when the connection is ready again, or the log is closing. */
  whenReady(): Promise<void>;
  /** Resolves after the backoff for the n-th consecutive failure, or when the log is closing. */
  pause(failures: number): Promise<void>;
  /** Whether `err` proves the command never reached Redis (so it may be sent again). */
  notSent(err: unknown): boolean;
}

/** The marker's reason when this instance cannot prove its own records were appended. */
export const APPEND_LOST = 'append-lost';

/**
 * The records one instance has yet to append, in order, bounded in count and in characters
 * (`limits`: a few huge notifications must not outgrow memory either). At most one
 * append is in flight (records arriving meanwhile ride the next one, so batches grow with load).
 * Continuity: when an append's outcome is unknown (the connection died before the reply, Redis
 * answered an error) or the queue overflows, the records are counted as dropped and the next
 * append starts with a reset marker. Records queued before that marker is appended are dropped
 * too, not kept: every instance resets its clients at the marker, and clients refetch after it,
 * so they see every change those records hinted at. Memory stays bounded for any outage.
 */
export class AppendQueue {
  /** Flattened `field, value` pairs: `d <data>` or `r <reason>`, waiting from index `head` on. */
  private pending: string[] = [];
  private head = 0;
  /** Characters of the values waiting (from `head` on). */
  private chars = 0;
  /** Continuity is lost: the next append must start with a reset marker. */
  private lost = false;
  private pumping = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  appended = 0;
  dropped = 0;

  constructor(
    private readonly link: AppendLink,
    private readonly limits: { records: number; chars: number },
    private readonly report: (e: Error) => void,
  ) {}

  /** Records waiting (a due reset marker counts as one). */
  get size(): number {
    return (this.pending.length - this.head) / 2 + (this.lost ? 1 : 0);
  }

  push(field: 'd' | 'r', values: readonly string[]): void {
    if (this.closed || values.length === 0) return;
    if (this.lost) {
      // The due marker covers them (and supersedes any other marker).
      if (field === 'd') this.dropped += values.length;
    } else {
      let chars = 0;
      for (const v of values) chars += v.length;
      if ((this.pending.length - this.head) / 2 + values.length > this.limits.records) {
        this.loseAll(
          field === 'd' ? values.length : 0,
          `more than ${this.limits.records} records waiting for Redis`,
        );
      } else if (this.chars + chars > this.limits.chars) {
        this.loseAll(
          field === 'd' ? values.length : 0,
          `more than ${this.limits.chars} characters waiting for Redis`,
        );
      } else {
        for (const v of values) this.pending.push(field, v);
        this.chars += chars;
      }
    }
    void this.pump();
  }

  /** Resolves when nothing is waiting and nothing is in flight (or the queue is closed). */
  idle(): Promise<void> {
    if (this.closed || (!this.pumping && this.size === 0)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops sending; what is still queued is dropped. */
  close(): void {
    this.closed = true;
    this.wakeIdle();
  }

  /** Drops everything queued plus `more` data records; the next append starts with a marker. */
  private loseAll(more: number, why: string): void {
    const data = more + countData(this.pending, this.head);
    this.pending = [];
    this.head = 0;
    this.chars = 0;
    this.dropped += data;
    if (!this.lost)
      this.report(
        new LogError(
          LogErrorCode.AppendLost,
          `${why}: ${data} notification(s) dropped; a reset marker will cover them`,
        ),
      );
    this.lost = true;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    let failures = 0;
    try {
      while (!this.closed && this.size > 0) {
        if (!this.link.isReady()) {
          await this.link.whenReady();
          continue;
        }
        // Drop what was sent once it is most of the array: a backlog costs O(n), not O(n²).
        if (this.head > 0 && this.head * 2 >= this.pending.length) {
          this.pending = this.pending.slice(this.head);
          this.head = 0;
        }
        const marker = this.lost;
        const batch = this.pending.slice(
          this.head,
          this.head + (LOG_MAX_BATCH - (marker ? 1 : 0)) * 2,
        );
        this.head += batch.length;
        const chars = textLength(batch);
        this.chars -= chars;
        this.lost = false;
        try {
          await this.link.send(marker ? ['r', APPEND_LOST, ...batch] : batch);
          failures = 0;
          this.appended += countData(batch, 0);
        } catch (e) {
          // Only pump() moves head; a push that overflowed meanwhile emptied the queue, batch included.
          const requeued = !this.lost;
          if (requeued) {
            this.head -= batch.length;
            this.chars += chars;
          }
          if (this.link.notSent(e)) {
            // Never reached Redis: it stays in front, in order, until the connection is back.
            if (requeued) this.lost = marker;
            else this.dropped += countData(batch, 0);
          } else {
            this.loseAll(
              requeued ? 0 : countData(batch, 0),
              `an append's outcome is unknown (${(e as Error).message})`,
            );
          }
          await this.link.pause(++failures);
        }
      }
    } finally {
      this.pumping = false;
      if (this.size === 0 || this.closed) this.wakeIdle();
    }
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

/** Data records (not markers) among `field, value` pairs from index `from`. */
function countData(pairs: readonly string[], from: number): number {
  let n = 0;
  for (let i = from; i < pairs.length; i += 2) if (pairs[i] === 'd') n++;
  return n;
}

/** Characters of the values among `field, value` pairs. */
function textLength(pairs: readonly string[]): number {
  let n = 0;
  for (let i = 1; i < pairs.length; i += 2) n += pairs[i].length;
  return n;
}
