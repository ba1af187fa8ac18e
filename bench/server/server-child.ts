/**
 * The server under test, alone in its process so its CPU and RSS are its own. Driven over IPC:
 *   { cmd: 'start', kind }          → { port }
 *   { cmd: 'burst', n, batch }      → notifies n notifications, `batch` per macrotask → { t0 }
 *   { cmd: 'paced', rate, ms }      → `rate` notifications/s for `ms` → { t0, sent }
 *   { cmd: 'rss' }                  → { rss, connections } after a GC
 *   { cmd: 'stop' }
 * kinds: `changefeed` (createNotifier) and `ws-loop` (a ws server and the obvious
 * `for (const ws of wss.clients) ws.send(json)` per notification, serialised once).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { createNotifier } from '@changefeed/server';
import { monoMs } from '../lib/clock.ts';

type Kind = 'changefeed' | 'ws-loop';
let notify: (n: Record<string, unknown>) => void = () => {};
let connections: () => number = () => 0;
let stop: () => Promise<void> = async () => {};
const pad = 'x'.repeat(40);

// CLOCK_MONOTONIC, which the client processes read too (performance.timeOrigin is per process).
const now = monoMs;

async function start(kind: Kind): Promise<number> {
  const http = createServer();
  http.maxConnections = Infinity;
  if (kind === 'changefeed') {
    const n = createNotifier({ server: http, origins: '*', heartbeat: 0, rateLimit: { commands: 1000, perMs: 1000 }, maxBuffered: 64 * 1024 * 1024 });
    notify = (x) => void n.notify(x as never);
    connections = () => n.metrics().connections;
    stop = () => n.close();
  } else {
    const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
    wss.on('connection', (ws) => ws.on('error', () => {}));
    notify = (x) => {
      const json = JSON.stringify(x);
      for (const ws of wss.clients) ws.send(json);
    };
    connections = () => wss.clients.size;
    stop = () => {
      for (const ws of wss.clients) ws.terminate();
      return new Promise((r) => wss.close(() => r()));
    };
  }
  await new Promise<void>((r) => http.listen({ port: 0, host: '127.0.0.1', backlog: 8192 }, r));
  const s = stop;
  stop = async () => {
    await s();
    http.closeAllConnections();
    await new Promise((r) => http.close(r));
  };
  return (http.address() as AddressInfo).port;
}

let seq = 0;
function one(): void {
  notify({ collection: 'bench', op: 'update', id: ++seq, t: now(), pad });
}

process.on('message', async (m: { cmd: string; kind?: Kind; n?: number; batch?: number; rate?: number; ms?: number }) => {
  const reply = (x: object) => process.send!(x);
  switch (m.cmd) {
    case 'start':
      return reply({ port: await start(m.kind!) });
    case 'burst': {
      const t0 = now();
      let left = m.n!;
      const step = () => {
        for (let i = 0; i < m.batch! && left > 0; i++, left--) one();
        if (left > 0) setImmediate(step);
      };
      step();
      return reply({ t0 });
    }
    case 'paced': {
      const t0 = now();
      let sent = 0;
      const timer = setInterval(() => {
        // Catch up to the schedule every tick (timers are coarse): rate is kept on average.
        const due = Math.floor(((now() - t0) * m.rate!) / 1000);
        while (sent < due && sent < (m.rate! * m.ms!) / 1000) {
          one();
          sent++;
        }
        if (sent >= (m.rate! * m.ms!) / 1000) {
          clearInterval(timer);
          reply({ t0, sent });
        }
      }, 1);
      return;
    }
    case 'cpu': {
      const u = process.cpuUsage();
      return reply({ cpuMs: (u.user + u.system) / 1000 });
    }
    case 'rss':
      (globalThis as { gc?: () => void }).gc?.();
      (globalThis as { gc?: () => void }).gc?.();
      return reply({ rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed, external: process.memoryUsage().external + process.memoryUsage().arrayBuffers, connections: connections() });
    case 'stop':
      await stop();
      reply({ stopped: true });
      process.exit(0);
  }
  return undefined;
});
process.send!({ ready: true });
