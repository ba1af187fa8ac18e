import type { Notification } from '@changefeed/protocol';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HubContext } from './core/context.js';
import { Hub } from './core/hub.js';
import { createCounters, createPrometheusRegistry, type NotifierMetrics } from './core/metrics.js';
import { pathnameOf } from './core/pathname-of.js';
import { ChangefeedError, ErrorCode, toError } from './errors.js';
import { resolveOptions, type NotifierOptions } from './options.js';
import type { SourceSink } from './sources/source.js';
import { serveSse } from './sse/sse-endpoint.js';
import type { SseStream } from './sse/sse-stream.js';
import { attachWebSocketEndpoint } from './websocket/websocket-endpoint.js';

/** A running hub. See {@link createNotifier}. */
export interface Notifier {
  /**
   * Validates the notification (a TypeError with code ERR_CHANGEFEED_INVALID_NOTIFICATION
   * otherwise), assigns its seq and returns it at once; fan-out happens later in this turn.
   * With `cluster`, returns 0: the shared log assigns the seq when the turn's notifications are
   * appended, and every instance (this one too) fans out what it reads back from the log.
   */
  notify(n: Notification): number;
  /**
   * Serves `ssePath` and `metricsPath` for apps that own the http.Server (node:http, Express).
   * Returns false when the request is not one of them, so the app handles it.
   */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean;
  /** This run's epoch (with `cluster`, the log's; it changes if the log is lost): seqs are comparable only within it. */
  readonly epoch: string;
  /** Resolves once listening (with `port`) and every source has started; rejects if either fails. */
  readonly ready: Promise<void>;
  /** Where it listens (with `port`, or an attached server that listens on TCP); null otherwise. */
  address(): AddressInfo | null;
  /** A snapshot of the counters and gauges. */
  metrics(): NotifierMetrics;
  /** The same as Prometheus text exposition. */
  metricsText(): Promise<string>;
  /**
   * Sends 1001 to every client, ends SSE streams, stops sources; resolves when all is closed.
   * With `cluster`, everything notified here is appended to the log (bounded by the log's
   * `closeTimeout`) before clients are told to leave, so they resume elsewhere without a reset.
   */
  close(): Promise<void>;
}

function newEpoch(): string {
  return `${Date.now().toString(36)}-${randomBytes(6).toString('base64url')}`;
}

/**
 * Creates the hub and attaches it to an http.Server (WebSocket upgrades on `path`) or listens on
 * `port`.
 *
 * @example
 * const server = http.createServer((req, res) => notifier.handleRequest(req, res) || app(req, res));
 * const notifier = createNotifier({ server, sources: [postgresSource({ connectionString })] });
 * server.listen(3000);
 * // after a write:
 * notifier.notify({ collection: 'forums', op: 'insert', id: 42 });
 */
export function createNotifier(options: NotifierOptions): Notifier {
  const opts = resolveOptions(options);
  const counters = createCounters();
  const epoch = newEpoch();
  const log = opts.cluster;
  const hub = new Hub(epoch, opts.retention, counters, (e) => opts.onError(e), log);
  const ctx: HubContext = { hub, options: opts, metrics: counters };
  const streams = new Set<SseStream>();
  let registry: ReturnType<typeof createPrometheusRegistry> | undefined;
  let closing: Promise<void> | undefined;

  const server: Server =
    opts.server ??
    createServer((req, res) => {
      if (!handleRequest(req, res)) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('not found\n');
      }
    });
  const ownServer = opts.server === undefined;
  const websocket = attachWebSocketEndpoint(server, ctx);

  function handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const path = pathnameOf(req);
    if (opts.ssePath !== false && path === opts.ssePath) {
      if (closing || !hub.positioned) {
        res.writeHead(503).end();
        return true;
      }
      serveSse(req, res, ctx, streams).catch((e) => {
        opts.onError(toError(e));
        if (!res.headersSent) res.writeHead(500).end();
      });
      return true;
    }
    if (opts.metricsPath !== false && path === opts.metricsPath) {
      metricsText().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': registry!.contentType });
          res.end(text);
        },
        (e) => {
          opts.onError(toError(e));
          res.writeHead(500).end();
        },
      );
      return true;
    }
    return false;
  }

  function metrics(): NotifierMetrics {
    return { ...counters, head: hub.head, buffered: hub.buffered, ...(log ? { log: log.stats() } : {}) };
  }

  function metricsText(): Promise<string> {
    registry ??= createPrometheusRegistry(metrics);
    return registry.metrics();
  }

  const sink: SourceSink = {
    notify(n) {
      if (hub.closed) return;
      try {
        hub.notify(n);
      } catch (e) {
        counters.sourceErrors++;
        opts.onError(
          new ChangefeedError(
            ErrorCode.SourcePayload,
            `a source delivered an invalid notification: ${(e as Error).message}`,
            { cause: e },
          ),
        );
      }
    },
    reset(collections) {
      if (!hub.closed) hub.sourceReset(collections);
    },
    error(err) {
      counters.sourceErrors++;
      opts.onError(err);
    },
  };

  const listening = ownServer
    ? new Promise<void>((resolve, reject) => {
        const onError = (e: Error) =>
          reject(
            new ChangefeedError(
              ErrorCode.Server,
              `cannot listen on port ${opts.port}: ${e.message}`,
              { cause: e },
            ),
          );
        server.once('error', onError);
        server.listen(opts.port, opts.host, () => {
          server.off('error', onError);
          resolve();
        });
      })
    : Promise.resolve();
  const ready = Promise.all([
    listening,
    // The tail is the only way in: the hub starts at the log's head and fans out what it reads.
    hub.follower?.start(),
    ...opts.sources.map((s) =>
      s.start(sink).catch((e) => {
        throw e instanceof ChangefeedError
          ? e
          : new ChangefeedError(
              ErrorCode.SourceStart,
              `a source failed to start: ${toError(e).message}`,
              { cause: e },
            );
      }),
    ),
  ]).then(() => undefined);
  // Reported to onError too, so an app that never awaits `ready` still hears about it.
  ready.catch((e) => opts.onError(toError(e)));

  async function close(): Promise<void> {
    hub.closed = true;
    // Deliver what was notified before close() first (with a log: append it).
    hub.flushOutbox();
    hub.flush();
    if (log) {
      // Everything notified here is in the log, and everything in the log up to its head has
      // reached this instance's clients, before they leave: they resume on another instance from
      // the head, with no reset and nothing to read back. Bounded by the log's closeTimeout.
      await log.settle();
      hub.flush();
    }
    for (const s of streams) s.close();
    await Promise.all([
      websocket.closeAll(),
      ...[...streams].map((s) => s.closed),
    ]);
    await Promise.allSettled(opts.sources.map((s) => s.stop()));
    if (ownServer) {
      // Stop accepting and end every HTTP connection before the upgrade listener goes: Node 20
      // emits 'upgrade' even with no listener, so an upgrade arriving after detach() would hang
      // with nobody to answer it (seen in a rolling restart: clients stuck connecting).
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    await websocket.detach();
    // Last: until its clients are gone the tail keeps the hub's head current.
    await log?.close();
  }

  return {
    notify: (n) => hub.notify(n),
    handleRequest,
    get epoch() {
      return hub.epoch;
    },
    ready,
    address() {
      const a = server.address();
      return a !== null && typeof a === 'object' ? a : null;
    },
    metrics,
    metricsText,
    close: () => (closing ??= close()),
  };
}
