/**
 * One server under test in its own process, so its RSS and CPU are its own.
 *
 * kinds:
 *  - `changefeed`: @changefeed/server's createNotifier on a port;
 *  - `socket.io`: socket.io's Server, websocket transport, `io.emit()` per notification;
 *  - `ws-loop`: a `ws` WebSocketServer and the loop everybody writes first:
 *    `for (const ws of wss.clients) ws.send(json)` per notification (serialised once).
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, connect, type Server as TcpServer, type Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { Server as IoServer } from 'socket.io';
import { serveWorker } from '../lib/worker.ts';
import { monoMs } from '../lib/clock.ts';
import { sampleSelf } from '../lib/proc.ts';
import { notification } from '../lib/payload.ts';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** How late this process's event loop ran (in the metrics): a blocked server answers handshakes late. */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

type Kind = 'changefeed' | 'socket.io' | 'ws-loop';

let kind: Kind;
let send: (n: Record<string, unknown>) => void = () => {};
let close: () => Promise<void> = async () => {};
let seq = 0;
let metrics: () => unknown = () => undefined;

async function start(a: {
  kind: Kind;
  port?: number;
  host?: string;
  options?: Record<string, unknown>;
  /** A Postgres LISTEN source for the changefeed server. */
  postgres?: { connectionString: string; channel: string };
  /** Cluster mode: a shared log on Redis (redisLog) under this key prefix. */
  cluster?: { url: string; prefix: string };
}): Promise<{ port: number }> {
  kind = a.kind;
  const host = a.host ?? '127.0.0.1';
  if (kind === 'changefeed') {
    const server: any = await import('@changefeed/server');
    // Answers what is not the notifier's, as an app's server does: with no request listener, an
    // upgrade arriving after close() removed the upgrade listener would hang until the process exits.
    let notifier: any;
    const http: HttpServer = createServer((req, res) => notifier.handleRequest(req, res) || res.writeHead(404).end());
    const sources = a.postgres ? [server.postgresSource(a.postgres)] : undefined;
    // origins '*': the bench page and the Node fleets are not same-origin with the server.
    const cluster = a.cluster ? { cluster: server.redisLog(a.cluster) } : {};
    notifier = server.createNotifier({ server: http, path: '/ws', origins: '*', ...(sources ? { sources } : {}), ...cluster, ...(a.options ?? {}) });
    await new Promise<void>((r) => http.listen({ port: a.port ?? 0, host, backlog: 4096 }, r));
    await notifier.ready;
    send = (n) => notifier.notify(n);
    metrics = () => notifier.metrics();
    close = async () => {
      await notifier.close();
      await new Promise<void>((r) => http.close(() => r()));
    };
    return { port: (http.address() as any).port };
  }
  if (kind === 'socket.io') {
    const http = createServer();
    const io = new IoServer(http, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
    await new Promise<void>((r) => http.listen({ port: a.port ?? 0, host, backlog: 4096 }, r));
    send = (n) => void io.emit('n', n);
    close = async () => {
      await new Promise<void>((r) => io.close(() => r()));
    };
    return { port: (http.address() as any).port };
  }
  const http = createServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  wss.on('connection', (ws) => ws.on('error', () => {}));
  wss.on('error', () => {});
  await new Promise<void>((r) => http.listen({ port: a.port ?? 0, host, backlog: 4096 }, r));
  send = (n) => {
    const json = JSON.stringify(n);
    for (const ws of wss.clients) ws.send(json);
  };
  close = async () => {
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
    await new Promise<void>((r) => http.close(() => r()));
  };
  return { port: (http.address() as any).port };
}

/** `count` notifications, `batch` per macrotask (as a LISTEN connection hands them over). */
function burst(a: { count: number; batch: number }): Promise<{ startedAt: number; endedAt: number }> {
  const startedAt = monoMs();
  let sent = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const end = Math.min(a.count, sent + a.batch);
      for (; sent < end; sent++) send(notification(++seq, monoMs()));
      if (sent < a.count) setImmediate(tick);
      else resolve({ startedAt, endedAt: monoMs() });
    };
    tick();
  });
}

let stopPaced = false;

/**
 * `rate` notifications per second for `durationMs` (or until `stopPaced`), spread evenly (a
 * timer for the next one due, ≥ 1 ms). With `spread`, notification i goes to collection spread[i % n] and carries `k`,
 * its ordinal there; `perCollection` answers the last k of each.
 */
function paced(a: { rate: number; durationMs: number; spread?: string[] }): Promise<{ sent: number; startedAt: number; endedAt: number; perCollection: Record<string, number> }> {
  const startedAt = monoMs();
  const total = Math.round((a.rate * a.durationMs) / 1000);
  const perCollection: Record<string, number> = {};
  stopPaced = false;
  let sent = 0;
  const next = () => {
    if (!a.spread) return notification(++seq, monoMs());
    const collection = a.spread[sent % a.spread.length];
    const k = (perCollection[collection] = (perCollection[collection] ?? 0) + 1);
    return notification(++seq, monoMs(), { collection, k });
  };
  return new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((monoMs() - startedAt) * a.rate) / 1000));
      for (; sent < due && !stopPaced; sent++) send(next());
      // Woken when the next one is due, not every millisecond: at 100/s a 1 ms ticker cost this
      // process ~0.2–0.3 ms of CPU a tick here (0.5–0.95 s a 3 s round), taken from the cores
      // the path under test runs on.
      const wait = startedAt + ((sent + 1) * 1000) / a.rate - monoMs();
      if (sent < total && !stopPaced) setTimeout(tick, Math.max(1, Math.ceil(wait)));
      else resolve({ sent, startedAt, endedAt: monoMs(), perCollection });
    };
    setTimeout(tick, 1);
  });
}

/**
 * What one `send` (notify() / io.emit() / the ws loop) costs the caller: batches of `perBatch`
 * calls timed with hrtime, minus the timer's own cost, one sample per batch; a macrotask between
 * batches lets deferred fan-out run outside the measurement, as it does in a real handler.
 */
async function measureSend(a: { batches: number; perBatch: number }): Promise<{ samplesUs: number[]; timerNs: number }> {
  const empty: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const t0 = process.hrtime.bigint();
    const t1 = process.hrtime.bigint();
    empty.push(Number(t1 - t0));
  }
  empty.sort((x, y) => x - y);
  const timerNs = empty[empty.length >> 1];
  const samplesUs: number[] = [];
  const payloads = Array.from({ length: a.perBatch }, (_, i) => notification(i, 0));
  for (let b = 0; b < a.batches; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < a.perBatch; i++) send(payloads[i]);
    const t1 = process.hrtime.bigint();
    samplesUs.push(Math.max(0, Number(t1 - t0) - timerNs) / a.perBatch / 1000);
    await new Promise((r) => setImmediate(r));
  }
  return { samplesUs, timerNs };
}

let busyLoop: { server: TcpServer; socket: Socket } | undefined;

/**
 * Keeps this process's poll phase busy, as a loaded server's client traffic does: a TCP ping-pong
 * on loopback whose every read takes `ms` of CPU before it answers (a core's worth: measure
 * with nothing else running). `ms` 0 stops it.
 */
async function busy(a: { ms: number }): Promise<boolean> {
  busyLoop?.socket.destroy();
  busyLoop?.server.close();
  busyLoop = undefined;
  if (a.ms <= 0) return true;
  const server = createTcpServer((s) =>
    s.on('error', () => {}).on('data', (d) => {
      for (const end = monoMs() + a.ms; monoMs() < end; );
      s.write(d);
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const socket = connect((server.address() as { port: number }).port, '127.0.0.1');
  socket.on('error', () => {}).on('data', (d) => socket.write(d));
  socket.write('x');
  busyLoop = { server, socket };
  return true;
}

serveWorker(
  {
    start,
    measureSend,
    burst,
    paced,
    busy,
    /** Ends a running `paced` at its next tick (it answers with what it sent). */
    stopPaced: () => {
      stopPaced = true;
      return true;
    },
    /** `at` is taken before the first send: a send that blocks its caller must not hide its cost. */
    notify: (a: { count?: number }) => {
      const at = monoMs();
      for (let i = 0; i < (a?.count ?? 1); i++) send(notification(++seq, monoMs()));
      return { at };
    },
    sample: () => {
      (globalThis as any).gc?.();
      return sampleSelf();
    },
    sampleNoGc: () => sampleSelf(),
    metrics: () => (kind === 'changefeed' ? { ...(metrics() as object), loopMaxMs: loopDelay.max / 1e6, loopP99Ms: loopDelay.percentile(99) / 1e6 } : undefined),
    close: async () => {
      await busy({ ms: 0 });
      await close();
      return true;
    },
  },
  () => close(),
);
