import { Limits } from '@changefeed/protocol';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SSE_MAX_HEARTBEAT_MS, SSE_RETRY_MS } from './constants.js';
import { ChangefeedError, ErrorCode } from './errors.js';
import type { Entry, Subscriber } from './hub.js';
import { originAllowed } from './request-guards.js';
import type { SessionContext } from './socket-session.js';

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
    private readonly ctx: SessionContext,
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

function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${message}\n`);
}

function parseCollections(value: string | null): string[] | string {
  if (value === null) return 'missing "collections" query parameter, e.g. ?collections=forums,containers';
  const list = [...new Set(value.split(',').map((c) => c.trim()))];
  if (list.length === 0 || list.some((c) => c.length === 0 || c.length > Limits.collectionLength)) {
    return `"collections" must be a comma-separated list of names of 1 to ${Limits.collectionLength} characters`;
  }
  if (list.length > Limits.collectionsPerFrame) return `"collections" may list at most ${Limits.collectionsPerFrame} names`;
  return list;
}

/** Parses `<epoch>:<seq>`; anything else yields an epoch that can never match (→ reset). */
function parseLastEventId(value: string | undefined): { epoch?: string; after?: number } {
  if (value === undefined || value === '') return {};
  const m = /^(.{1,128}):(\d{1,15})$/.exec(value);
  if (!m) return { epoch: '', after: 0 };
  return { epoch: m[1], after: Number(m[2]) };
}

/**
 * Serves `GET <ssePath>?collections=a,b` as text/event-stream with the WebSocket endpoint's
 * origin, authentication and authorisation rules. Resolves once the stream is set up or refused.
 */
export async function serveSse(req: IncomingMessage, res: ServerResponse, ctx: SessionContext, streams: Set<SseStream>): Promise<void> {
  const { metrics, options, hub } = ctx;
  const refuse = (status: number, message: string) => {
    metrics.refused++;
    reply(res, status, message);
  };
  if (req.method !== 'GET') {
    res.setHeader('Allow', 'GET');
    return refuse(405, 'use GET');
  }
  if (!originAllowed(req, options.origins)) return refuse(403, 'origin not allowed');
  const url = new URL(req.url ?? '/', 'http://localhost');
  const collections = parseCollections(url.searchParams.get('collections'));
  if (typeof collections === 'string') return refuse(400, collections);

  let user: unknown;
  try {
    user = options.authenticate ? await options.authenticate(req) : undefined;
  } catch (e) {
    options.onError(new ChangefeedError(ErrorCode.AuthenticateFailed, 'authenticate() failed', { cause: e }));
    return reply(res, 500, 'authentication failed');
  }
  if (user === null) {
    metrics.unauthenticated++;
    return reply(res, 401, 'unauthenticated');
  }
  if (options.authorize) {
    let denied: string[];
    try {
      const verdicts = await Promise.all(collections.map((c) => options.authorize!(user, c)));
      denied = collections.filter((_, i) => verdicts[i] !== true);
    } catch (e) {
      options.onError(new ChangefeedError(ErrorCode.AuthorizeFailed, 'authorize() failed', { cause: e }));
      return reply(res, 500, 'authorization failed');
    }
    if (denied.length > 0) {
      metrics.forbidden += denied.length;
      return reply(res, 403, `not authorized for: ${denied.join(', ')}`);
    }
  }
  if (res.destroyed || hub.closed) return;

  const headers: Record<string, string> = {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  };
  const origin = req.headers.origin;
  if (origin !== undefined) {
    headers['Access-Control-Allow-Origin'] = origin;
    headers['Access-Control-Allow-Credentials'] = 'true';
    headers['Vary'] = 'Origin';
  }
  res.writeHead(200, headers);
  res.write(`retry: ${SSE_RETRY_MS}\n: changefeed\n\n`);
  const header = req.headers['last-event-id'];
  const last = parseLastEventId(Array.isArray(header) ? header[0] : (header ?? url.searchParams.get('lastEventId') ?? undefined));
  const stream = new SseStream(res, collections, ctx, hub.head);
  streams.add(stream);
  void stream.closed.then(() => streams.delete(stream));
  stream.resume(last.epoch, last.after);
}
