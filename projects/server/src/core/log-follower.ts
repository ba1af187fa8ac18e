import type { Notification } from '@changefeed/protocol';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOG_WARM_BATCH } from '../cluster/cluster-constants.js';
import { RESUME_READ_RETRY_MS } from '../constants.js';
import type {
  LogEntry,
  LogGap,
  LogPosition,
  SharedLog,
  TailHandler,
} from '../cluster/shared-log.js';
import { ChangefeedError, ErrorCode } from '../errors.js';
import { placeholder, withSeq, type Entry, type ResetItem } from './entry.js';
import type { RingBuffer } from './ring-buffer.js';
import { idKey } from './validate-notification.js';

/** What the follower moves in the hub: its position, its ring and its fan-out queue. */
export interface FollowedHub {
  epoch: string;
  head: number;
  /** Resumes need `after` ≥ this. */
  resetFloor: number;
  positioned: boolean;
  readonly ring: RingBuffer<Entry>;
  enqueue(item: Entry | ResetItem): void;
}

/** A range read from the shared log for a resume. */
export interface LogRange {
  head: number;
  entries: Entry[];
}

/**
 * The hub's half of cluster mode (cluster/README.md): receives the log's tail in order
 * (TailHandler) and turns it into what `notify()` does alone — entries in the ring and out to
 * subscribers, resets where continuity is lost — and reads ranges of the log for resumes.
 */
export class LogFollower implements TailHandler {
  constructor(
    private readonly hub: FollowedHub,
    private readonly log: SharedLog,
    private readonly onError: (e: Error) => void,
  ) {}

  /**
   * Starts the log's tail (once) and positions the hub at its head. Before clients are let in, the ring is filled with the log's entries
   * before `head` (as many as it holds), so the clients a restarted or new instance takes over
   * resume from memory, as on an instance that ran all along. Without this, every one of them
   * read its own range from Redis: in a rolling restart, thousands of reads of thousands of
   * entries, each a script that holds Redis (and every instance's appends and tails) while it
   * runs — tens of seconds in which no client anywhere received anything.
   */
  async start(): Promise<void> {
    const head = await this.log.tail(this);
    this.hub.epoch = head.epoch;
    this.hub.head = head.seq;
    await this.warm(head);
    this.hub.positioned = true;
  }

  /** Reads (head - ring capacity, head] from the log in bounded batches and puts it in front of the ring. */
  private async warm(at: LogPosition): Promise<void> {
    const { hub } = this;
    const older: Entry[] = [];
    let floor = 0;
    for (let after = Math.max(0, at.seq - hub.ring.capacity); after < at.seq;) {
      const r = await this.log.readRange(at.epoch, after, LOG_WARM_BATCH);
      // Not retained, Redis away: resumes read the log one by one.
      if (!r.ok || r.entries.length === 0) return;
      for (const le of r.entries) {
        if (le.seq > at.seq) break;
        // A marker (a leader's handover) holds its seq, as in entries(): no resume crosses it.
        if (le.kind === 'reset') floor = le.seq;
        older.push(le.kind === 'reset' ? placeholder(le.seq) : this.entryOf(le));
      }
      after = r.entries[r.entries.length - 1].seq;
    }
    // A gap meanwhile (gap() cleared the ring) leaves nothing to join these to.
    const next = hub.ring.first()?.seq ?? hub.head + 1;
    if (hub.epoch !== at.epoch || next !== at.seq + 1) return;
    const now = Date.now();
    for (const e of older) e.at = now;
    hub.ring.prepend(older);
    hub.resetFloor = Math.max(hub.resetFloor, floor);
  }

  /** The log's entries, in order: into the ring and out to subscribers, as notify() does alone. */
  entries(batch: readonly LogEntry[]): void {
    const { hub } = this;
    for (const le of batch) {
      hub.head = le.seq;
      if (le.kind === 'reset') {
        // The ring assumes consecutive seqs; resumes cannot cross this one (resetFloor), so it is never replayed.
        hub.ring.push(placeholder(le.seq));
        hub.resetFloor = le.seq;
        hub.enqueue({ seq: -1, collections: undefined, rebase: undefined });
        continue;
      }
      const entry = this.entryOf(le);
      hub.ring.push(entry);
      hub.enqueue(entry);
    }
  }

  /** Continuity lost: nothing before `to` can be proven, so everyone resets and no resume crosses it. */
  gap({ to }: LogGap): void {
    const { hub } = this;
    const newEpoch = to.epoch !== hub.epoch;
    hub.ring.clear();
    hub.epoch = to.epoch;
    hub.head = to.seq;
    hub.resetFloor = to.seq;
    // A new epoch numbers from 1 again: cursors and subscriptions move back with it.
    hub.enqueue({ seq: -1, collections: undefined, rebase: newEpoch ? to.seq : undefined });
  }

  /**
   * (after, head] of `epoch` from the log, or undefined when it cannot be proven whole. A read
   * Redis could not answer is retried (RESUME_READ_RETRY_MS) unless `gone()` says the client left.
   */
  async readRange(
    epoch: string,
    after: number,
    gone: () => boolean = () => false,
  ): Promise<LogRange | undefined> {
    for (let retry = 0; ; retry++) {
      const r = await this.log.readRange(epoch, after);
      if (epoch !== this.hub.epoch) return undefined;
      if (r.ok) return { head: r.head, entries: r.entries.map((le) => this.entryOf(le)) };
      if (r.reason !== 'unavailable' || retry === RESUME_READ_RETRY_MS.length) return undefined;
      const ms = RESUME_READ_RETRY_MS[retry];
      await sleep(ms / 2 + (Math.random() * ms) / 2, undefined, { ref: false });
      if (gone()) return undefined;
    }
  }

  /** A log entry as the hub's Entry: the seq spliced into the appended text, as `Hub.json()` does. */
  private entryOf(le: LogEntry): Entry {
    let collection = '';
    let id: string | undefined;
    try {
      const n = JSON.parse(le.body) as Notification;
      collection = n.collection;
      id = idKey(n.id);
    } catch (e) {
      // Only changefeed writes data entries; one it cannot read still holds its seq (delivered to nobody).
      this.onError(
        new ChangefeedError(
          ErrorCode.LogBadEntry,
          `log entry ${le.epoch}:${le.seq} is not a notification (${(e as Error).message})`,
        ),
      );
      return placeholder(le.seq);
    }
    return {
      seq: le.seq,
      collection,
      id,
      json: withSeq(le.body, le.seq),
      n: undefined,
      frame: undefined,
      at: 0,
    };
  }
}
