import { encodeFrame, type Notification } from '@changefeed/protocol';
import { ChangefeedError, ChangefeedTypeError, ErrorCode } from '../errors.js';
import type { Counters } from './metrics.js';
import { RingBuffer } from './ring-buffer.js';
import { idKey, validateNotification } from './validate-notification.js';

/** One numbered notification, serialised once for every subscriber and the replay buffer. */
export interface Entry {
  seq: number;
  collection: string;
  /** String form of the row id, or undefined for a whole-collection notification. */
  id: string | undefined;
  /** The wire text, made once at fan-out (or at an earlier replay) by `Hub.json()`. */
  json: string | undefined;
  /** The caller's object until it is serialised. */
  n: Notification | undefined;
  /**
   * A transport's cached wire form of `json` (the WebSocket transport keeps its frame here, made
   * on first delivery and written to every socket); the hub never reads it.
   */
  frame: Buffer | undefined;
  /** When it was fanned out (ms since epoch); 0 until then. */
  at: number;
}

interface ResetItem {
  seq: -1;
  collections: string[] | undefined;
}

/** A connection as the hub sees it (a WebSocket session or an SSE stream). */
export interface Subscriber {
  /** Called during fan-out for every entry of a collection it is indexed under. */
  offer(entry: Entry): void;
  /** A source reset: send `reset` for these of its collections (undefined: all). */
  offerReset(collections: string[] | undefined): void;
  /** End of the fan-out turn for a subscriber that called `hub.touch()`: flush, check buffers. */
  endTurn(): void;
}

/**
 * Numbers notifications, keeps the replay buffer, and fans out once per event-loop turn through
 * a per-collection index, so the cost of a notification depends on its own subscribers only.
 */
export class Hub {
  head = 0;
  private readonly ring: RingBuffer<Entry>;
  /** Resumes need `after` ≥ this: a source reset at head H loses what may have come after H. */
  private resetFloor = 0;
  private queue: (Entry | ResetItem)[] = [];
  private scheduled = false;
  private readonly index = new Map<string, Set<Subscriber>>();
  private readonly all = new Set<Subscriber>();
  private readonly touched: Subscriber[] = [];
  closed = false;

  constructor(
    readonly epoch: string,
    private readonly retention: { count: number; ms: number },
    private readonly metrics: Counters,
    private readonly onError: (e: Error) => void = () => {},
  ) {
    this.ring = new RingBuffer(retention.count);
  }

  /** Validates, numbers, buffers and queues a notification; fan-out happens later in this turn. */
  notify(n: Notification): number {
    if (this.closed) throw new ChangefeedError(ErrorCode.Closed, 'notify() after close()');
    validateNotification(n);
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
    try {
      if (!('seq' in n) && typeof n['toJSON'] !== 'function') {
        // Splice seq into the serialised object rather than copying the object first.
        const body = encodeFrame(n);
        e.json = `${body.slice(0, -1)},"seq":${e.seq}}`;
      } else {
        e.json = encodeFrame({ ...n, seq: e.seq });
      }
    } catch (err) {
      this.onError(
        new ChangefeedTypeError(
          ErrorCode.InvalidNotification,
          `notify(): seq ${e.seq} of "${e.collection}" is not serialisable as JSON (${(err as Error).message}); sent without its other fields`,
        ),
      );
      e.json = encodeFrame({
        collection: n.collection,
        ...(typeof n.op === 'string' ? { op: n.op } : {}),
        ...(n.id !== undefined ? { id: n.id } : {}),
        seq: e.seq,
      });
    }
    return e.json;
  }

  /** A source lost notifications: reset every subscriber and refuse resumes across this point. */
  sourceReset(collections?: string[]): void {
    this.resetFloor = this.head + 1;
    this.metrics.sourceResets++;
    this.enqueue({ seq: -1, collections });
  }

  private enqueue(item: Entry | ResetItem): void {
    this.queue.push(item);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
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
   * Can a resume from `after` in `epoch` be answered by replay? Every seq in (after, head] must
   * still be buffered and no source reset may lie in that range.
   */
  canResume(epoch: string, after: number): boolean {
    if (epoch !== this.epoch || after > this.head || after < this.resetFloor) return false;
    if (after === this.head) return true;
    this.expire(Date.now());
    const first = this.ring.first();
    return first !== undefined && first.seq <= after + 1;
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
        for (const sub of this.all) sub.offerReset((item as ResetItem).collections);
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
