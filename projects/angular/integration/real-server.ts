// A real @changefeed/server for the SDK's integration specs (real-server.spec.ts). Karma's
// real-server.cjs plugin runs it as a child process from the repo root:
//   node --import tsx projects/angular/integration/real-server.ts
// It prints one JSON line `{"port":N}` once listening, serves the notifier's WebSocket on /ws of
// that port, and a control API on POST /control of the same port (the app's own handler, reached
// when notifier.handleRequest() declines a request — the way an app embeds the notifier).
// It exits when its stdin closes, so it cannot outlive a Karma that died without cleaning up.
import { createNotifier, type Notification, type Notifier } from '@changefeed/server';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/** Short, so dead peers are noticed within a spec; long enough that a busy browser answers in time. */
const HEARTBEAT_MS = 1000;
const WS_PATH = '/ws';
/** The notifier's default ssePath. */
const SSE_PATH = '/events';

/** The slow notifier's authenticate takes this long: a real network with real auth, where the startup gap is seconds wide. */
const AUTH_DELAY_MS = 1200;

/** Every command the specs send; answered with {@link ControlReply}. */
type Command =
  | { action: 'info' }
  | { action: 'notify'; notifications: Notification[] }
  | { action: 'drop'; thenNotify?: Notification[] }
  | { action: 'restart' }
  | { action: 'slowAuth' }
  | { action: 'rows'; collection: string }
  | { action: 'insert'; collection: string; name: string };

/** Upgraded (WebSocket) TCP sockets, so `drop` can cut them without the notifier knowing first. */
const sockets = new Set<Duplex>();
/** The TCP sockets of Server-Sent Events streams (GET /events), for `drop` too. */
const streams = new Set<Duplex>();
/** Undefined while a restart is between close() and the next createNotifier(). */
let notifier: Notifier | undefined;

const server = createServer((req, res) => {
  if (req.url?.startsWith(SSE_PATH + '?')) {
    const socket = req.socket;
    streams.add(socket);
    socket.once('close', () => streams.delete(socket));
  }
  if (notifier?.handleRequest(req, res)) return;
  if (req.method === 'POST' && req.url === '/control') return void control(req, res);
  res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
});

// Registered before the notifier's listener, so it sees every upgrade first.
server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
  socket.on('error', () => undefined);
  // With a second upgrade listener the notifier leaves foreign paths alone; answer them here.
  // Without a notifier (mid-restart) nobody would answer at all and the client would hang.
  if (!notifier || req.url?.split('?')[0] !== WS_PATH) {
    socket.write(
      `HTTP/1.1 ${notifier ? '404 Not Found' : '503 Service Unavailable'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
    );
    socket.destroy();
    return;
  }
  sockets.add(socket);
  socket.once('close', () => sockets.delete(socket));
});

// A second notifier on its own port whose authenticate is slow, over a tiny table the specs fetch
// from ('rows') and write to ('insert', which notifies as a trigger would): the startup-gap spec
// inserts while the client is still being authenticated.
const slowServer = createServer((req, res) => {
  if (!slowNotifier.handleRequest(req, res)) res.writeHead(404).end();
});
slowServer.on('upgrade', (_req: IncomingMessage, socket: Duplex) =>
  socket.on('error', () => undefined),
);
const slowNotifier = createNotifier({
  server: slowServer,
  heartbeat: HEARTBEAT_MS,
  origins: '*',
  authenticate: () => new Promise((resolve) => setTimeout(() => resolve('user'), AUTH_DELAY_MS)),
  onError: (error) => console.error('real-server (slow auth):', error),
});
const tables = new Map<string, { id: number; name: string }[]>();
let nextRowId = 1;

function start(): Notifier {
  return createNotifier({
    server,
    heartbeat: HEARTBEAT_MS,
    // The specs' page is Karma's origin (another port): allow it. Loopback only, test server.
    origins: '*',
    authorize: (_user, collection) => collection !== 'secret',
    onError: (error) => console.error('real-server:', error),
  });
}

function info(extra: object = {}) {
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `ws://127.0.0.1:${port}${WS_PATH}`,
    events: `http://127.0.0.1:${port}${SSE_PATH}`,
    epoch: notifier!.epoch,
    heartbeat: HEARTBEAT_MS,
    sockets: sockets.size,
    streams: streams.size,
    metrics: notifier!.metrics(),
    ...extra,
  };
}

async function run(command: Command): Promise<object> {
  switch (command.action) {
    case 'info':
      return info();
    case 'notify':
      return info({ seqs: command.notifications.map((n) => notifier!.notify(n)) });
    case 'drop': {
      // What ws.terminate() does to the TCP socket: no close frame, the peer sees 1006. Then
      // publish in the same turn, so those notifications fall into the gap by construction.
      const dropped = sockets.size + streams.size;
      for (const socket of [...sockets, ...streams]) socket.destroy();
      return info({ dropped, seqs: (command.thenNotify ?? []).map((n) => notifier!.notify(n)) });
    }
    case 'restart': {
      const old = notifier!;
      notifier = undefined;
      await old.close();
      notifier = start();
      await notifier.ready;
      return info({ previousEpoch: old.epoch });
    }
    case 'slowAuth': {
      const { port } = slowServer.address() as AddressInfo;
      return { url: `ws://127.0.0.1:${port}${WS_PATH}`, authDelay: AUTH_DELAY_MS };
    }
    case 'rows':
      return { rows: tables.get(command.collection) ?? [] };
    case 'insert': {
      const row = { id: nextRowId++, name: command.name };
      tables.set(command.collection, [...(tables.get(command.collection) ?? []), row]);
      const seq = slowNotifier.notify({ collection: command.collection, op: 'insert', id: row.id });
      return { rows: tables.get(command.collection), seqs: [seq] };
    }
    default:
      throw new Error(`unknown action ${JSON.stringify((command as { action?: unknown }).action)}`);
  }
}

function control(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    let command: Command;
    try {
      command = JSON.parse(body);
    } catch {
      res
        .writeHead(400, { 'content-type': 'text/plain' })
        .end(`control: body is not JSON: ${body.slice(0, 200)}\n`);
      return;
    }
    run(command).then(
      (reply) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply)),
      (error: Error) =>
        res
          .writeHead(500, { 'content-type': 'text/plain' })
          .end(`control ${command.action}: ${error.message}\n`),
    );
  });
}

let stopping: Promise<void> | undefined;
function stop(): Promise<void> {
  return (stopping ??= (async () => {
    const timer = setTimeout(() => process.exit(1), 5000);
    timer.unref();
    await Promise.all([notifier?.close(), slowNotifier.close()]);
    for (const http of [server, slowServer]) {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    }
    process.exit(0);
  })());
}

process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.on('error', () => void stop());
process.stdin.resume();

notifier = start();
slowServer.listen(0, '127.0.0.1');
server.listen(0, '127.0.0.1', () => {
  notifier!.ready.then(
    () =>
      process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port }) + '\n'),
    (error: Error) => {
      console.error('real-server: notifier failed to start:', error);
      process.exit(1);
    },
  );
});
