import { LOG_READ_COUNT } from './cluster-constants.js';
import { entryId, parseRow, type StreamRow } from './log-entry.js';
import { LogError, LogErrorCode } from './log-error.js';
import { APPEND, PROBE, runScript, type CommandSender } from './log-scripts.js';
import type { GapReason, LogEntry, LogPosition, TailHandler } from './shared-log.js';

/** An XREAD reply for one stream: null when BLOCK timed out. */
type ReadReply = [string, StreamRow[]][] | null;

/** What the tail needs of its dedicated connection and of the log around it. */
export interface TailLink extends CommandSender {
  isReady(): boolean;
  whenReady(): Promise<void>;
  pause(failures: number): Promise<void>;
  isClosed(): boolean;
  keys: readonly [meta: string, log: string];
  blockMs: number;
  /** APPEND's arguments with no records: opens a new epoch if the log has none. */
  openArgs(): string[];
  report(e: Error): void;
  onGap(): void;
}

/**
 * Reads the stream in order on a dedicated connection (XREAD BLOCK), hands entries to the
 * handler, and turns every break in continuity into one gap: a new epoch in an entry, a seq
 * jump (trimmed past this reader), or, found by the probe an idle reader runs every `blockMs`,
 * a log whose meta is gone or whose next entry is missing. After a lost connection it carries on
 * from the last id it read: what was appended meanwhile is still in the stream (or it is a gap).
 */
export class LogTail {
  private epoch = '';
  private seq = 0;
  /** The XREAD cursor: the id of the last entry read (or the head's id after a probe). */
  private cursor = '0-0';
  /** settle()'s waits for a position (see reached()). */
  private waiters: { to: LogPosition; done: () => void }[] = [];

  constructor(
    private readonly link: TailLink,
    private readonly handler: TailHandler,
  ) {}

  /** Positions at the current head (opening an epoch if there is none), then reads on in the background. */
  async start(): Promise<LogPosition> {
    for (let failures = 0; ;) {
      await this.link.whenReady();
      if (this.link.isClosed()) return { epoch: this.epoch, seq: this.seq };
      try {
        await this.probe(false);
        break;
      } catch (e) {
        this.link.report(
          new LogError(
            LogErrorCode.Unavailable,
            `cannot read the log (${(e as Error).message}); retrying`,
            { cause: e },
          ),
        );
        await this.link.pause(++failures);
      }
    }
    void this.loop();
    return { epoch: this.epoch, seq: this.seq };
  }

  /**
   * Resolves once the handler has been given the log up to `to`, or the tail is in another epoch
   * (nothing of `to`'s epoch is left to hand over). Never rejects; the caller bounds the wait.
   */
  reached(to: LogPosition): Promise<void> {
    return new Promise((done) => {
      this.waiters.push({ to, done });
      this.wake();
    });
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    this.waiters = this.waiters.filter(({ to, done }) => {
      const reached = this.epoch !== to.epoch || this.seq >= to.seq;
      if (reached) done();
      return !reached;
    });
  }

  private async loop(): Promise<void> {
    let failures = 0;
    /** The read already sent for the next batch, if any. */
    let next: Promise<ReadReply> | undefined;
    while (!this.link.isClosed()) {
      try {
        if (!this.link.isReady()) {
          next = undefined;
          await this.link.whenReady();
          // Redis may have restarted empty while we were away: look before blocking.
          if (!this.link.isClosed()) await this.probe(true);
          continue;
        }
        const reply = await (next ?? this.read());
        next = undefined;
        const rows = reply?.[0][1] ?? [];
        if (rows.length === 0) await this.probe(true);
        else {
          // The next read goes out before this batch is handed over: the handler schedules its
          // fan-out with setImmediate, and node-redis its writes too, so a read sent after it
          // would wait behind the fan-out of the whole batch.
          this.cursor = rows[rows.length - 1][0];
          next = this.read();
          this.deliver(rows);
        }
        this.wake();
        failures = 0;
      } catch (e) {
        next = undefined;
        if (this.link.isClosed()) return;
        // Connection errors are reported by the connection; a reply error (WRONGTYPE: someone
        // overwrote the key) is reported here, and retried with backoff either way.
        if (this.link.isReady())
          this.link.report(
            new LogError(
              LogErrorCode.Unavailable,
              `tailing the log failed (${(e as Error).message}); retrying`,
              { cause: e },
            ),
          );
        await this.link.pause(++failures);
      }
    }
  }

  /** XREAD BLOCK from the cursor. Its rejection is handled where it is awaited, or nowhere (closed). */
  private read(): Promise<ReadReply> {
    const reply = this.link.sendCommand<ReadReply>([
      'XREAD',
      'COUNT',
      String(LOG_READ_COUNT),
      'BLOCK',
      String(this.link.blockMs),
      'STREAMS',
      this.link.keys[1],
      this.cursor,
    ]);
    reply.catch(() => {});
    return reply;
  }

  private deliver(rows: StreamRow[]): void {
    let batch: LogEntry[] = [];
    for (const row of rows) {
      const entry = parseRow(row);
      if (entry === undefined) {
        this.link.report(
          new LogError(
            LogErrorCode.BadEntry,
            `skipped stream entry ${row[0]}, which changefeed did not write`,
          ),
        );
        continue;
      }
      if (entry.epoch !== this.epoch || entry.seq !== this.seq + 1) {
        this.flush(batch);
        batch = [];
        this.gap(entry.epoch !== this.epoch ? 'epoch' : 'trimmed', entry.epoch, entry.seq - 1);
      }
      batch.push(entry);
      this.seq = entry.seq;
    }
    this.flush(batch);
  }

  private flush(batch: LogEntry[]): void {
    if (batch.length > 0) this.call(() => this.handler.entries(batch));
  }

  private gap(reason: GapReason, epoch: string, seq: number): void {
    const from = { epoch: this.epoch, seq: this.seq };
    this.epoch = epoch;
    this.seq = seq;
    this.link.onGap();
    this.call(() => this.handler.gap({ from, to: { epoch, seq }, reason }));
  }

  /** A throwing handler must not stop the tail (or make it re-read or skip entries): report it, go on. */
  private call(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.link.report(
        new LogError(
          LogErrorCode.Handler,
          `the tail handler threw: ${(e as Error)?.message ?? e}`,
          { cause: e },
        ),
      );
    }
  }

  /**
   * Checks what an empty XREAD cannot show: the meta gone (opens a new epoch), another epoch
   * whose ids sort below the cursor (Redis' clock went back), or the next entry missing although
   * the head is past it (the stream was deleted). `report` false: just take the head as position.
   */
  private async probe(report: boolean): Promise<void> {
    const meta = await runScript<[string, string, number, number] | []>(
      this.link,
      PROBE,
      this.link.keys,
      [this.epoch, String(this.seq)],
    );
    let epoch: string, ems: string, head: number;
    if (meta.length === 0) {
      [epoch, ems, , head] = await runScript<[string, string, number, number]>(
        this.link,
        APPEND,
        this.link.keys,
        this.link.openArgs(),
      );
    } else {
      [epoch, ems, head] = meta;
      if (epoch === this.epoch && (head <= this.seq || meta[3] === 1)) return;
    }
    this.cursor = entryId(ems, head);
    if (!report) {
      this.epoch = epoch;
      this.seq = head;
    } else this.gap(epoch === this.epoch ? 'trimmed' : 'epoch', epoch, head);
  }
}
