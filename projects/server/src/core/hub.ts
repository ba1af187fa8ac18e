import { encodeFrame, type Notification } from '@changefeed/protocol';
import type { SharedLog } from '../cluster/shared-log.js';
import { ChangefeedError, ChangefeedTypeError, ErrorCode } from '../errors.js';
import { withSeq, type Entry, type ResetItem } from './entry.js';
import { LogFollower, type FollowedHub, type LogRange } from './log-follower.js';
import type { Counters } from './metrics.js';
import { RingBuffer } from './ring-buffer.js';
import { idKey, validateNotification } from './validate-notification.js';

/** How a resume from `after` can be answered (see {@link Hub.resumePlan}). */
export type ResumePlan =
  /** (after, head] is in the ring: replay it now. */
  | 'replay'
  /** Read (after, head] from the shared log (cluster mode). */
  | 'read'
  /** The client comes from an instance whose tail is ahead of this one: what follows `after` arrives live. */
  | 'ahead'
  | 'reset';

/** A connection as the hub sees it (a WebSocket session or an SSE stream). */
export interface Subscriber {
  /** Called during fan-out for every entry of a collection it is indexed under. */
  offer(entry: Entry): void;
  /**
   * A source reset: send `reset` for these of its collections (undefined: all). With `rebase`
   * (a new epoch: seqs start again) the cursor moves to it, so the new seqs are not skipped.
   */
  offerReset(collections: string[] | undefined, rebase?: number): void;
  /** End of the fan-out turn for a subscriber that called `hub.touch()`: flush, check buffers. */
  endTurn(): void;
}

/**
 * Numbers notifications, keeps the replay buffer, and fans out once per event-loop turn through
 * a per-collection index, so the cost of a notification depends on its own subscribers only.
 *
 * With a shared log (cluster mode, cluster/README.md) the log numbers instead: `notify()` only
 * queues the notification for the turn's single `append`, and everything fanned out (this
 * instance's notifications too) comes from the log's tail, so every instance sees one order, one
 * epoch and one seq space. The ring is then a local cache of the log's tail.
 */
export class Hub implements FollowedHub {
  head = 0;
  /** The replay buffer (with a log, a cache of its tail, kept by the follower). */
  readonly ring: RingBuffer<Entry>;
  /** Resumes need `after` ≥ this: a source reset at head H loses what may have come after H. */
  resetFloor = 0;
  private queue: (Entry | ResetItem)[] = [];
  private scheduled = false;
  private readonly index = new Map<string, Set<Subscriber>>();
  private readonly all = new Set<Subscriber>();
  private readonly touched: Subscriber[] = [];
  private readonly newEpochListeners: (() => void)[] = [];
  closed = false;
  /** Cluster mode: notifications of the current task, appended to the log at once when it ends. */
  private outbox: Notification[] = [];
  /**
   * False in cluster mode until the tail has its position (`LogFollower.start()`): until then there is no
   * epoch to welcome a client with, so connections are answered 503 and retried.
   */
  positioned: boolean;
  /** Cluster mode: receives the log's tail and reads it for resumes. */
  readonly follower: LogFollower | undefined;

  constructor(
    /** Seqs are comparable within one epoch only; with a log, it changes when the log is lost. */
    public epoch: string,
    private readonly retention: { count: number; ms: number },
    private readonly metrics: Counters,
    private readonly onError: (e: Error) => void = () => {},
    readonly log?: SharedLog,
  ) {
    this.ring = new RingBuffer(retention.count);
    this.positioned = log === undefined;
    this.follower = log && new LogFollower(this, log, onError);
  }

  /**
   * Validates, numbers, buffers and queues a notification; fan-out happens later in this turn.
   * With a log it is only queued for the append at the end of the caller's task and 0 is returned:
   * the log assigns seqs.
   */
  notify(n: Notification): number {
    if (this.closed) throw new ChangefeedError(ErrorCode.Closed, 'notify() after close()');
    validateNotification(n);
    if (this.log) {
      this.outbox.push(n);
      this.metrics.notifications++;
      // Appended when the caller's task ends, not with the fan-out: the Redis client writes in
      // an immediate of its own, and one queued from the fan-out's immediate waits a whole loop
      // iteration (every socket's I/O of a busy instance) before it leaves.
      if (this.outbox.length === 1) queueMicrotask(() => this.flushOutbox());
      return 0;
    }
    const seq = ++this.head;
    // Serialised at fan-out, once, off the caller's path (see json()).
    const entry: Entry = {
      seq,
      collection: n.collection,
      id: idKey(n.id),
      json: undefined,
      n,
      frame: undefined,
      at: 0,
    };
    this.ring.push(entry);
    this.metrics.notifications++;
    this.enqueue(entry);
    return seq;
  }

  /**
   * The entry's wire text. The hub owns seq (a caller's seq is replaced). Data that JSON cannot
   * carry (BigInt, cycles) is reported and the hint is still sent without `data`: a notification
   * is never lost to a bad payload.
   */
  json(e: Entry): string {
    if (e.json !== undefined) return e.json;
    const n = e.n!;
    e.n = undefined;
    e.json = withSeq(this.body(n, `seq ${e.seq}`), e.seq);
    return e.json;
  }

  /** The wire text of `n` without seq (a caller's seq is dropped), `{…}`, to splice seq into. */
  private body(n: Notification, which: string): string {
    try {
      const body = encodeFrame(
        'seq' in n || typeof n['toJSON'] === 'function' ? { ...n, seq: undefined } : n,
      );
      if (body.startsWith('{')) return body;
      throw new Error('toJSON() did not return an object');
    } catch (err) {
      this.onError(
        new ChangefeedTypeError(
          ErrorCode.InvalidNotification,
          `notify(): ${which} of "${n.collection}" is not serialisable as JSON (${(err as Error).message}); sent without its other fields`,
        ),
      );
      return encodeFrame({
        collection: n.collection,
        ...(typeof n.op === 'string' ? { op: n.op } : {}),
        ...(n.id !== undefined ? { id: n.id } : {}),
      });
    }
  }

  /** A source lost notifications: reset every subscriber and refuse resumes across this point. */
  sourceReset(collections?: string[]): void {
    this.metrics.sourceResets++;
    // In cluster mode every instance must reset (a marker in the log), whatever the collections.
    if (this.log) return this.log.appendReset('listen');
    this.resetFloor = this.head + 1;
    this.enqueue({ seq: -1, collections, rebase: undefined });
  }

  enqueue(item: Entry | ResetItem): void {
    this.queue.push(item);
    this.schedule();
  }

  private schedule(): void {
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /**
   * Cluster mode: the notifications of the caller's task go to the log in one append (at its end;
   * close() calls it at once, for a notify() in the same task).
   */
  flushOutbox(): void {
    const outbox = this.outbox;
    if (outbox.length === 0) return;
    this.outbox = [];
    this.log!.append(outbox.map((n) => this.body(n, 'a notification')));
  }

  /**
   * Cluster mode: `listener` runs when the log starts a new epoch, at that point of the fan-out
   * (what came before it has been offered, the reset not yet).
   */
  onNewEpoch(listener: () => void): void {
    this.newEpochListeners.push(listener);
  }

  add(sub: Subscriber): void {
    this.all.add(sub);
  }

  remove(sub: Subscriber, collections: Iterable<string>): void {
    this.all.delete(sub);
    for (const c of collections) this.unindex(sub, c);
  }

  indexUnder(sub: Subscriber, collection: string): void {
    let set = this.index.get(collection);
    if (!set) this.index.set(collection, (set = new Set()));
    if (!set.has(sub)) {
      set.add(sub);
      this.metrics.subscriptions++;
    }
  }

  unindex(sub: Subscriber, collection: string): void {
    const set = this.index.get(collection);
    if (set?.delete(sub)) {
      this.metrics.subscriptions--;
      if (set.size === 0) this.index.delete(collection);
    }
  }

  /** Registers a subscriber that wrote during this turn, so it gets `endTurn()`. */
  touch(sub: Subscriber): void {
    this.touched.push(sub);
  }

  /**
   * How can a resume from `after` in `epoch` be answered? By replay when every seq in
   * (after, head] is still buffered and no reset lies in that range; with a log, also by reading
   * the log, or by nothing at all when the client saw more than this instance's tail has yet.
   */
  resumePlan(epoch: string, after: number): ResumePlan {
    if (epoch !== this.epoch || after < this.resetFloor) return 'reset';
    if (after > this.head) return this.log ? 'ahead' : 'reset';
    if (after === this.head) return 'replay';
    this.expire(Date.now());
    const first = this.ring.first();
    if (first !== undefined && first.seq <= after + 1) return 'replay';
    return this.log ? 'read' : 'reset';
  }

  /** Cluster mode: (after, head] of `epoch` from the log, or undefined when it cannot be proven whole. */
  readRange(epoch: string, after: number, gone?: () => boolean): Promise<LogRange | undefined> {
    return this.follower!.readRange(epoch, after, gone);
  }

  /** Buffered entries with seq > after, oldest first. */
  since(after: number): Iterable<Entry> {
    return this.ring.after(after);
  }

  get buffered(): number {
    return this.ring.size;
  }

  private expire(now: number): void {
    const limit = now - this.retention.ms;
    for (
      let first = this.ring.first();
      first && first.at !== 0 && first.at < limit;
      first = this.ring.first()
    ) {
      this.ring.shift();
    }
  }

  /** One fan-out per turn: each entry goes to the subscribers indexed under its collection. */
  flush(): void {
    this.scheduled = false;
    const queue = this.queue;
    this.queue = [];
    const now = Date.now();
    for (const item of queue) {
      if (item.seq !== -1) {
        (item as Entry).at = now;
        this.json(item as Entry);
      }
    }
    this.expire(now);
    for (const item of queue) {
      if (item.seq === -1) {
        const { collections, rebase } = item as ResetItem;
        if (rebase !== undefined) for (const listener of this.newEpochListeners) listener();
        for (const sub of this.all) sub.offerReset(collections, rebase);
      } else {
        const set = this.index.get((item as Entry).collection);
        if (set) for (const sub of set) sub.offer(item as Entry);
      }
    }
    const touched = this.touched;
    for (let i = 0; i < touched.length; i++) touched[i].endTurn();
    touched.length = 0;
  }
}
