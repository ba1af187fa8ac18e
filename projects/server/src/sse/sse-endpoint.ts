import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROTOCOL_VERSION } from '@changefeed/protocol';
import { SSE_RETRY_MS } from '../constants.js';
import { authenticateRequest, authorizeCollections } from '../core/authorization.js';
import type { HubContext } from '../core/context.js';
import { checkOrigin } from '../core/origin-policy.js';
import { Subscriptions } from '../core/subscriptions.js';
import { parseLastEventId, parseSseQuery } from './sse-query.js';
import { sseHeartbeat, SseStream } from './sse-stream.js';

function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(`${message}\n`);
}

/**
 * CORS for a cross-origin EventSource. Credentials (cookies) only for an origin listed in
 * `origins`: with `'*'` any site may read the stream, so it gets `*` and never credentials —
 * otherwise every site could read a cookie-authenticated stream. Same-origin needs no headers.
 */
function corsHeaders(origin: string | undefined, ctx: HubContext): Record<string, string> {
  const origins = ctx.options.origins;
  if (origin === undefined || origins === 'same-origin') return {};
  if (origins === '*') return { 'Access-Control-Allow-Origin': '*' };
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    Vary: 'Origin',
  };
}

/**
 * Serves `GET <ssePath>?collections=a,b[&ids=7,8]` as text/event-stream with the WebSocket
 * endpoint's origin, authentication and authorization path (core/). Collections `authorize`
 * refuses are named in an `event: error` while the others stream; all refused → 403.
 * Resolves once the stream is set up or refused.
 */
export async function serveSse(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: HubContext,
  streams: Set<SseStream>,
): Promise<void> {
  const { metrics, hub } = ctx;
  const refuse = (status: number, message: string) => {
    metrics.refused++;
    reply(res, status, message);
  };
  if (req.method !== 'GET') {
    res.setHeader('Allow', 'GET');
    return refuse(405, 'use GET');
  }
  const origin = checkOrigin(req, ctx);
  if (origin !== true) return refuse(403, origin);
  const url = new URL(req.url ?? '/', 'http://localhost');
  const query = parseSseQuery(url.searchParams);
  if ('error' in query) return refuse(400, query.error);

  const auth = await authenticateRequest(req, ctx);
  if (!auth.ok)
    return auth.reason === 'failed'
      ? reply(res, 500, 'authentication failed')
      : reply(res, 401, 'unauthenticated');
  // One authorize call per collection, with the rows it is narrowed to (its own, or `ids`).
  const idsOf = (c: string) => query.rows.get(c) ?? query.ids;
  const verdicts = await Promise.all(
    query.collections.map((c) => authorizeCollections(ctx, auth.user, [c], idsOf(c))),
  );
  const allowed = verdicts.flatMap((v) => v.allowed);
  const denied = verdicts.flatMap((v) => v.denied);
  const failed = verdicts.flatMap((v) => v.failed);
  if (allowed.length === 0) {
    return denied.length > 0
      ? reply(res, 403, `not authorized for: ${denied.join(', ')}`)
      : reply(res, 500, 'authorization failed');
  }
  if (res.destroyed || hub.closed) return;

  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
    ...corsHeaders(req.headers.origin, ctx),
  });
  const since = hub.head;
  const subs = new Subscriptions();
  for (const c of allowed) subs.add(c, idsOf(c), since);
  const stream = new SseStream(res, subs, ctx, since);
  streams.add(stream);
  void stream.closed.then(() => streams.delete(stream));
  let head = `retry: ${SSE_RETRY_MS}\n: changefeed\n\n`;
  // Asked for with `welcome=1` (as @changefeed/angular's withEventSource() does; the stream stays
  // as it was for everyone else): the stream is live from `since` on, as a WebSocket `subscribed`
  // says, so a client that fetched before it opened learns whether it can have missed a change
  // (an EventSource sees no id-only event, and this one comes before any replay). Named, so a
  // plain `onmessage` never sees it.
  if (url.searchParams.get('welcome') === '1') {
    const welcome = {
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      epoch: hub.epoch,
      seq: since,
      heartbeat: sseHeartbeat(ctx),
    };
    head += `event: welcome\ndata: ${JSON.stringify(welcome)}\n\n`;
  }
  if (denied.length > 0)
    head += errorEvent('forbidden', 'not authorized for these collections', denied);
  if (failed.length > 0)
    head += errorEvent('internal', 'authorization failed; try again later', failed);
  stream.write(head);
  const header = req.headers['last-event-id'];
  const last = parseLastEventId(
    Array.isArray(header)
      ? header[0]
      : (header ?? url.searchParams.get('lastEventId') ?? undefined),
  );
  await stream.resume(last.epoch, last.after);
}

/** The WebSocket `error` frame, as an SSE event. */
function errorEvent(code: string, message: string, collections: string[]): string {
  return `event: error\ndata: ${JSON.stringify({ type: 'error', code, message, collections })}\n\n`;
}
