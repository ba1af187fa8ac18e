/**
 * `startFleets(count)`: the clients of a fan-out measurement, split over `count` processes of
 * raw-fleet.ts, driven as one. On 2 cores, one process reading 1,000 sockets is held to one
 * core while the server has the other; two let the clients' share follow the free CPU, and a
 * notification's last reader waits behind 500 reads instead of 1,000. Latency samples from every
 * fleet are merged before percentiles are taken (percentiles of parts do not combine).
 */
import { fileURLToPath } from 'node:url';
import { startWorker, stopWorkers, type Worker } from '../lib/worker.ts';
import { summarize, type Summary } from '../lib/stats.ts';
import type { FleetCollected } from './raw-fleet.ts';

const rawFleet = fileURLToPath(new URL('./raw-fleet', import.meta.url));

export interface Delivered {
  expected: number;
  received: number;
  firstAt: number;
  lastAt: number;
  latency: Summary;
}

export interface Fleets {
  readonly workers: Worker[];
  /** Opens `n` clients, split evenly; resolves with how many are ready. */
  connect(kind: 'changefeed' | 'ws' | 'socket.io-raw', url: string, n: number): Promise<number>;
  /** Arms every fleet for `perClient` notifications, runs `trigger`, then merges what arrived. */
  measure<T>(a: { perClient: number; timeoutMs: number; sample?: number }, trigger: () => Promise<T>): Promise<Delivered & { trigger: T }>;
  /** Closes every client and ends the processes. */
  stop(): Promise<void>;
}

export async function startFleets(count: number): Promise<Fleets> {
  const workers: Worker[] = [];
  try {
    for (let i = 0; i < count; i++) workers.push(await startWorker(rawFleet));
  } catch (e) {
    await stopWorkers(...workers);
    throw e;
  }
  return {
    workers,
    async connect(kind, url, n) {
      const share = (i: number) => Math.floor(n / count) + (i < n % count ? 1 : 0);
      const r = await Promise.all(workers.map((w, i) => w.call<{ ready: number }>('connect', { kind, url, n: share(i) })));
      return r.reduce((sum, x) => sum + x.ready, 0);
    },
    async measure(a, trigger) {
      const sample = a.sample === undefined ? undefined : Math.ceil(a.sample / count);
      await Promise.all(workers.map((w) => w.call('expect', { ...a, sample })));
      const fired = await trigger();
      const parts = await Promise.all(workers.map((w) => w.call<FleetCollected>('collect', undefined, a.timeoutMs + 60_000)));
      const chunks = parts.map((p) => {
        const bytes = Buffer.from(p.latencies, 'base64');
        return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
      });
      const all = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) {
        all.set(c, at);
        at += c.length;
      }
      const firsts = parts.map((p) => p.firstAt).filter((t) => t > 0);
      return {
        expected: parts.reduce((n, p) => n + p.expected, 0),
        received: parts.reduce((n, p) => n + p.received, 0),
        firstAt: firsts.length ? Math.min(...firsts) : 0,
        lastAt: Math.max(...parts.map((p) => p.lastAt)),
        latency: summarize(all),
        trigger: fired,
      };
    },
    stop: () => stopWorkers(...workers),
  };
}
