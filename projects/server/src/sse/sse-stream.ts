import type { ServerResponse } from 'node:http';
import { CLOSE_GRACE_MS, SSE_MAX_HEARTBEAT_MS } from '../constants.js';
import type { HubContext } from '../core/context.js';
import type { Entry } from '../core/entry.js';
import type { Subscriber } from '../core/hub.js';
import { overBudget } from '../core/outgoing-budget.js';
import type { Subscriptions } from '../core/subscriptions.js';

/** How often a stream sends a heartbeat comment, in ms. */
export function sseHeartbeat(ctx: HubContext): number {
  return Math.min(ctx.options.heartbeat || SSE_MAX_HEARTBEAT_MS, SSE_MAX_HEARTBEAT_MS);
}

/**
 * One EventSource stream: fixed interest, written once per fan-out turn. Every byte goes through
 * `write()`, which holds the stream to `maxBuffered`. A reader that stops reading is found three
 * ways: the budget (a busy stream), the heartbeat seeing no byte leave the buffer since the last
 * beat (a quiet one), and `sseMaxAge` (a reader frozen behind a proxy that still accepts the
 * few bytes of heartbeats: nothing on this side can see it, so every stream is ended after that
 * long and the EventSource reconnects with Last-Event-ID and is replayed — nothing lost).
 */
export class SseStream implements Subscriber {
  private cursor: number;
  private chunk = '';
  private closing = false;
  /** Bytes of the connection that had left Node's buffers at the last beat. */
  private flushedAtBeat = 0;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly maxAge: NodeJS.Timeout | undefined;
  /** Live deliveries held back while a resume reads the shared log, replayed in order after it. */
  private held: (() => void)[] | undefined;
  readonly closed: Promise<void>;

  constructor(
    private readonly res: ServerResponse,
    private readonly subs: Subscriptions,
    private readonly ctx: HubContext,
    /** Live from this seq on (exclusive). */
    since: number,
  ) {
    this.cursor = since;
    this.heartbeat = setInterval(() => this.beat(), sseHeartbeat(ctx));
    this.heartbeat.unref();
    if (ctx.options.sseMaxAge > 0) {
      this.maxAge = setTimeout(() => this.expire(), ctx.options.sseMaxAge);
      this.maxAge.unref();
    }
    ctx.metrics.sseConnections++;
    ctx.hub.add(this);
    for (const c of subs.collections()) ctx.hub.indexUnder(this, c);
    this.closed = new Promise((resolve) =>
      res.on('close', () => {
        this.detach();
        resolve();
      }),
    );
  }

  /** Writes text, holding the stream to the outgoing budget. */
  write(text: string): void {
    if (this.closing) return;
    this.res.write(text);
    if (overBudget(this.res.writableLength, this.ctx)) this.abort();
  }

  /**
   * Replays (after, head] or tells the client to reset, then marks the stream's position. The
   * same rules as a WebSocket resume (Hub.resumePlan); in cluster mode it may read the shared
   * log, and live deliveries wait until that read has been written.
   */
  resume(epoch: string | undefined, after: number | undefined): Promise<void> | undefined {
    const hub = this.ctx.hub;
    if (epoch === undefined) return void this.replay([], hub.head, '');
    const plan = after === undefined ? 'reset' : hub.resumePlan(epoch, after);
    switch (plan) {
      case 'replay':
        return void this.replay(hub.since(after!), hub.head, '');
      case 'ahead':
        return void this.replay([], after!, '');
      case 'read':
        this.held = [];
        return hub.readRange(epoch, after!, () => this.closing).then((range) => {
          const held = this.held!;
          this.held = undefined;
          if (range) this.replay(range.entries, range.head, '');
          else this.replay([], hub.head, this.resetEvent([...this.subs.collections()]));
          for (const deliver of held) deliver();
          this.endTurn();
        });
      case 'reset':
        return void this.replay([], hub.head, this.resetEvent([...this.subs.collections()]));
    }
  }

  private replay(entries: Iterable<Entry>, head: number, out: string): void {
    const epoch = this.ctx.hub.epoch;
    for (const e of entries) {
      if (!this.subs.matches(e)) continue;
      out += `id: ${epoch}:${e.seq}\ndata: ${this.ctx.hub.json(e)}\n\n`;
      this.ctx.metrics.deliveries++;
      this.ctx.metrics.replayed++;
      // Written in maxBuffered-sized pieces: a reader that cannot take the replay is dropped early.
      if (out.length >= this.ctx.options.maxBuffered) {
        this.write(out);
        out = '';
        if (this.closing) return;
      }
    }
    this.cursor = Math.max(this.cursor, head);
    // An id with no data moves the browser's Last-Event-ID without dispatching an event, so a
    // reconnect before the next notification still resumes from here.
    out += `id: ${epoch}:${this.cursor}\n\n`;
    this.write(out);
  }

  /** Holds a delivery while a resume reads the log; false when there is nothing to hold for. */
  private hold(deliver: () => void): boolean {
    if (this.held === undefined) return false;
    this.held.push(deliver);
    if (this.held.length > this.ctx.options.retention.count) {
      this.ctx.metrics.drops++;
      this.abort();
    }
    return true;
  }

  private resetEvent(collections: string[]): string {
    this.ctx.metrics.resets++;
    return `event: reset\ndata: ${JSON.stringify({ type: 'reset', collections })}\n\n`;
  }

  offer(e: Entry): void {
    if (
      this.closing ||
      this.hold(() => this.offer(e)) ||
      e.seq <= this.cursor ||
      !this.subs.wants(e)
    )
      return;
    if (this.chunk === '') this.ctx.hub.touch(this);
    this.chunk += `id: ${this.ctx.hub.epoch}:${e.seq}\ndata: ${e.json!}\n\n`;
    this.cursor = e.seq;
    this.ctx.metrics.deliveries++;
    // A burst bigger than the budget is written (and checked) as it comes, not held for the turn's end.
    if (this.chunk.length >= this.ctx.options.maxBuffered) this.endTurn();
  }

  offerReset(only: string[] | undefined, rebase?: number): void {
    if (this.closing || this.hold(() => this.offerReset(only, rebase))) return;
    if (rebase !== undefined) {
      this.cursor = rebase;
      this.subs.rebase(rebase);
    }
    const mine = [...this.subs.collections()];
    const collections = only ? mine.filter((c) => only.includes(c)) : mine;
    if (collections.length === 0) return;
    if (this.chunk === '') this.ctx.hub.touch(this);
    // A new epoch: the reset carries an id in it, so an EventSource that reconnects before the
    // next notification resumes in the new epoch (its Last-Event-ID still named the old one).
    if (rebase !== undefined) this.chunk += `id: ${this.ctx.hub.epoch}:${rebase}\n`;
    this.chunk += this.resetEvent(collections);
  }

  endTurn(): void {
    if (this.chunk === '') return;
    const chunk = this.chunk;
    this.chunk = '';
    this.write(chunk);
  }

  /** A heartbeat comment, unless nothing has left the buffer since the last beat: a stuck reader. */
  private beat(): void {
    const socket = this.res.socket;
    if (socket) {
      // bytesWritten counts what is still queued too; what has left is the difference.
      const flushed = socket.bytesWritten - socket.writableLength;
      if (socket.writableLength > 0 && flushed === this.flushedAtBeat) {
        this.ctx.metrics.drops++;
        return this.abort();
      }
      this.flushedAtBeat = flushed;
    }
    this.write(': heartbeat\n\n');
  }

  /** `sseMaxAge` reached: end the stream and its connection; the EventSource resumes from its Last-Event-ID. */
  private expire(): void {
    const socket = this.res.socket;
    this.close();
    socket?.end();
    setTimeout(() => socket?.destroy(), CLOSE_GRACE_MS).unref();
  }

  /** Ends the stream (shutdown, max age). */
  close(): void {
    if (this.closing) return;
    this.detach();
    this.res.end();
  }

  /** Drops a reader that does not keep up: its queued bytes are freed now, not when it reads. */
  private abort(): void {
    this.detach();
    this.res.destroy();
  }

  private detach(): void {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.maxAge);
    this.ctx.hub.remove(this, this.subs.collections());
    this.ctx.metrics.sseConnections--;
  }
}
