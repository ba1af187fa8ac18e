import type { ServerResponse } from 'node:http';
import { SSE_MAX_HEARTBEAT_MS } from '../constants.js';
import type { HubContext } from '../core/context.js';
import type { Entry, Subscriber } from '../core/hub.js';

/** One EventSource stream: fixed collections, written once per fan-out turn. */
export class SseStream implements Subscriber {
  private cursor: number;
  private chunk = '';
  private closing = false;
  private readonly heartbeat: NodeJS.Timeout;
  readonly closed: Promise<void>;

  constructor(
    private readonly res: ServerResponse,
    private readonly collections: string[],
    private readonly ctx: HubContext,
    /** Live from this seq on (exclusive). */
    since: number,
  ) {
    this.cursor = since;
    const every = Math.min(ctx.options.heartbeat || SSE_MAX_HEARTBEAT_MS, SSE_MAX_HEARTBEAT_MS);
    this.heartbeat = setInterval(() => res.write(': heartbeat\n\n'), every);
    this.heartbeat.unref();
    ctx.metrics.sseConnections++;
    ctx.hub.add(this);
    for (const c of collections) ctx.hub.indexUnder(this, c);
    this.closed = new Promise((resolve) => res.on('close', () => {
      this.detach();
      resolve();
    }));
  }

  /** Replays (after, head] or tells the client to reset, then marks the stream's position. */
  resume(epoch: string | undefined, after: number | undefined): void {
    const hub = this.ctx.hub;
    let out = '';
    if (epoch !== undefined && after !== undefined && hub.canResume(epoch, after)) {
      const wanted = new Set(this.collections);
      for (const e of hub.since(after)) {
        if (wanted.has(e.collection)) {
          out += `id: ${hub.epoch}:${e.seq}\ndata: ${hub.json(e)}\n\n`;
          this.ctx.metrics.deliveries++;
          this.ctx.metrics.replayed++;
        }
      }
    } else if (epoch !== undefined) {
      out += this.resetEvent(this.collections);
    }
    this.cursor = Math.max(this.cursor, hub.head);
    // An id with no data moves the browser's Last-Event-ID without dispatching an event, so a
    // reconnect before the next notification still resumes from here.
    out += `id: ${hub.epoch}:${hub.head}\n\n`;
    this.res.write(out);
  }

  private resetEvent(collections: string[]): string {
    this.ctx.metrics.resets++;
    return `event: reset\ndata: ${JSON.stringify({ type: 'reset', collections })}\n\n`;
  }

  offer(e: Entry): void {
    if (this.closing || e.seq <= this.cursor) return;
    if (this.chunk === '') this.ctx.hub.touch(this);
    this.chunk += `id: ${this.ctx.hub.epoch}:${e.seq}\ndata: ${e.json!}\n\n`;
    this.cursor = e.seq;
    this.ctx.metrics.deliveries++;
  }

  offerReset(only: string[] | undefined): void {
    if (this.closing) return;
    const collections = only ? this.collections.filter((c) => only.includes(c)) : this.collections;
    if (collections.length === 0) return;
    if (this.chunk === '') this.ctx.hub.touch(this);
    this.chunk += this.resetEvent(collections);
  }

  endTurn(): void {
    if (this.chunk === '') return;
    this.res.write(this.chunk);
    this.chunk = '';
    // A stream that cannot keep up is ended; EventSource reconnects with Last-Event-ID and resumes.
    if (this.res.writableLength > this.ctx.options.maxBuffered) {
      this.ctx.metrics.drops++;
      this.close();
    }
  }

  close(): void {
    if (this.closing) return;
    this.detach();
    this.res.end();
  }

  private detach(): void {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.heartbeat);
    this.ctx.hub.remove(this, this.collections);
    this.ctx.metrics.sseConnections--;
  }
}
