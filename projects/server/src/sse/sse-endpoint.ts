import { Limits } from '@changefeed/protocol';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SSE_RETRY_MS } from '../constants.js';
import { ChangefeedError, ErrorCode } from '../errors.js';
import type { HubContext } from '../core/context.js';
import { originAllowed } from '../core/origin-policy.js';
import { SseStream } from './sse-stream.js';

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
export async function serveSse(req: IncomingMessage, res: ServerResponse, ctx: HubContext, streams: Set<SseStream>): Promise<void> {
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
