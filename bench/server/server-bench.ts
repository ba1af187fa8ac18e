/**
 * `runServerBench(options)`: the @changefeed/server figures of issue 3, each next to a plain `ws`
 * send-per-message loop measured in the same run:
 *  - notify() call cost (median / p99 over batches of calls), in this process, no clients;
 *  - fan-out to 1,000 clients (raw-fleet.ts, split over two processes of their own): peak
 *    deliveries/s of a burst, and p50 / p99 latency over every delivery at a paced 310
 *    notifications/s (310,000 deliveries/s offered), from notify() to receipt on CLOCK_MONOTONIC;
 *  - server RSS per idle connection at 10,000 connections (fewer if the fd limit says so).
 * The server runs in a child process of its own, so its CPU and RSS are not the clients'.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { createNotifier } from '@changefeed/server';
import type { Summary } from '../lib/stats.ts';
import { schedShares } from '../lib/proc.ts';
import { startFleets } from './fleets.ts';

export interface ServerBenchOptions {
  /** Fewer notifications and connections, for a smoke run. */
  quick?: boolean;
  clients?: number;
  idleConnections?: number;
  /** Client processes the fan-out clients are split over (default 2). */
  fleets?: number;
  log?: (line: string) => void;
}

export type LatencySummary = Summary;

export interface FanoutFigures {
  deliveriesPerS: number;
  /** Server CPU time (user + system) per 100,000 deliveries during the burst: its capacity without the clients' share of the machine. */
  serverCpuMsPer100k: number;
  complete: boolean;
  burstLatencyMs: LatencySummary;
  pacedDeliveriesPerS: number;
  pacedComplete: boolean;
  pacedLatencyMs: LatencySummary;
}

export interface ServerBenchResult {
  /** The notify() call itself. */
  notifyNs: { median: number; p99: number };
  /** notify() plus its share of the fan-out turn (serialisation once, replay buffer), no clients. */
  notifyWithFlushNs: { median: number; p99: number };
  baselineStringifyNs: { median: number; p99: number };
  fanout: { changefeed: FanoutFigures; wsLoop: FanoutFigures; clients: number };
  idle: { changefeed: { connections: number; bytesPerConnection: number }; wsLoop: { connections: number; bytesPerConnection: number }; fdLimit: number; note?: string };
}

const here = fileURLToPath(new URL('.', import.meta.url));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** A child process answering IPC requests. */
class Child {
  private waiters: { match: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] = [];
  readonly ready: Promise<unknown>;
  constructor(readonly proc: ChildProcess) {
    proc.on('message', (m: Record<string, unknown>) => {
      const i = this.waiters.findIndex((w) => w.match(m));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m);
    });
    this.ready = this.wait((m) => m['ready'] === true);
  }
  wait(match: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }
  call(msg: object, key: string): Promise<Record<string, unknown>> {
    const p = this.wait((m) => key in m);
    this.proc.send(msg);
    return p;
  }
  kill(): void {
    this.proc.kill();
  }
}

function spawn(file: string, execArgv: string[] = []): Child {
  return new Child(fork(`${here}${file}`, [], { execArgv: ['--import', 'tsx', ...execArgv], stdio: 'inherit' }));
}

function fdLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  return Number(line?.split(/\s+/)[3] ?? 1024);
}

/** notify() cost: batches of calls timed together, so the clock's own cost is spread thin. */
async function measureNotify(quick: boolean): Promise<{ notify: number[]; withFlush: number[]; stringify: number[] }> {
  const n = createNotifier({ port: 0, host: '127.0.0.1', onError: () => {} });
  const pad = 'x'.repeat(40);
  const batches = quick ? 200 : 2000;
  const per = 1000;
  const notify: number[] = [];
  const withFlush: number[] = [];
  const stringify: number[] = [];
  let id = 0;
  for (let b = 0; b < batches; b++) {
    let t = process.hrtime.bigint();
    for (let i = 0; i < per; i++) n.notify({ collection: 'bench', op: 'update', id: ++id, pad });
    notify.push(Number(process.hrtime.bigint() - t) / per);
    // Plus the fan-out turn (serialisation, buffering; no clients here), amortised per call.
    t = process.hrtime.bigint();
    await new Promise((r) => setImmediate(r));
    withFlush.push(notify[notify.length - 1] + Number(process.hrtime.bigint() - t) / per);
    let sink = 0;
    t = process.hrtime.bigint();
    for (let i = 0; i < per; i++) sink += JSON.stringify({ collection: 'bench', op: 'update', id: ++id, pad, seq: id }).length;
    stringify.push(Number(process.hrtime.bigint() - t) / per);
    if (sink < 0) console.log(sink);
  }
  void n.close();
  return { notify, withFlush, stringify };
}

async function fanout(kind: 'changefeed' | 'ws-loop', clients: number, fleetCount: number, quick: boolean, log: (l: string) => void): Promise<FanoutFigures> {
  const server = spawn('server-child.ts');
  const fleets = await startFleets(fleetCount);
  try {
    await server.ready;
    const { port } = (await server.call({ cmd: 'start', kind }, 'port')) as { port: number };
    const ready = await fleets.connect(kind === 'changefeed' ? 'changefeed' : 'ws', `ws://127.0.0.1:${port}${kind === 'changefeed' ? '/ws' : '/'}`, clients);
    if (ready !== clients) throw new Error(`${kind}: only ${ready} of ${clients} clients connected`);
    const run = async (start: object, total: number, timeoutMs: number) => {
      const r = await fleets.measure({ perClient: total / clients, timeoutMs }, async () => ((await server.call(start, 't0')) as { t0: number }).t0);
      return { ...r, t0: r.trigger };
    };
    // Warm-up: JIT and socket buffers.
    await run({ cmd: 'burst', n: 200, batch: 20 }, 200 * clients, 30_000);
    // The plain loop is several times slower: a shorter burst keeps its run bounded and leaves no
    // backlog to pollute the paced run that follows.
    const n = (quick ? 500 : 2000) / (kind === 'ws-loop' ? 4 : 1);
    const cpu0 = (await server.call({ cmd: 'cpu' }, 'cpuMs')) as { cpuMs: number };
    const burst = await run({ cmd: 'burst', n, batch: 20 }, n * clients, 120_000);
    const cpu1 = (await server.call({ cmd: 'cpu' }, 'cpuMs')) as { cpuMs: number };
    const serverCpuMsPer100k = ((cpu1.cpuMs - cpu0.cpuMs) / burst.received) * 100_000;
    const deliveriesPerS = burst.received / ((burst.lastAt - burst.t0) / 1000);
    log(`${kind}: burst of ${n} × ${clients} clients: ${Math.round(deliveriesPerS).toLocaleString('en')} deliveries/s, server CPU ${serverCpuMsPer100k.toFixed(1)} ms per 100k deliveries${burst.received < n * clients ? ` (INCOMPLETE: ${burst.received})` : ''}`);
    // Offered a little above the goal's 300,000 deliveries/s: the measured rate spans the first
    // send to the last delivery, so an offer of exactly 300k/s reads 299k/s even when every
    // notification arrives on time.
    const rate = 310;
    log(`${kind}: paced ${rate} notifications/s (load average ${loadavg()[0].toFixed(2)})…`);
    const ms = quick ? 1000 : 3000;
    const pids = [server.proc.pid!, ...fleets.workers.map((w) => w.pid)];
    const { result: paced, run: onCpu, wait } = await schedShares(pids, () => run({ cmd: 'paced', rate, ms }, (rate * ms * clients) / 1000, ms + 30_000));
    const pacedDeliveriesPerS = paced.received / ((paced.lastAt - paced.t0) / 1000);
    log(`${kind}: paced: ${Math.round(pacedDeliveriesPerS).toLocaleString('en')} deliveries/s, p50 ${paced.latency.p50.toFixed(2)} ms, p99 ${paced.latency.p99.toFixed(2)} ms; ${sched(onCpu, wait)}`);
    return {
      serverCpuMsPer100k,
      deliveriesPerS,
      complete: burst.received >= n * clients,
      burstLatencyMs: burst.latency,
      pacedDeliveriesPerS,
      pacedComplete: paced.received >= (rate * ms * clients) / 1000,
      pacedLatencyMs: paced.latency,
    };
  } finally {
    await fleets.stop();
    await server.call({ cmd: 'stop' }, 'stopped').catch(() => {});
    server.kill();
  }
}

/** Where the time went, per process (server first): on a CPU, and runnable but kept off one. */
function sched(run: number[], wait: number[]): string {
  const pct = (v: number[]) => `server ${(v[0] * 100).toFixed(0)}%, clients ${v.slice(1).map((x) => `${(x * 100).toFixed(0)}%`).join(' + ')}`;
  return `on a CPU: ${pct(run)}; waiting for a CPU: ${pct(wait)}`;
}

async function idle(kind: 'changefeed' | 'ws-loop', count: number): Promise<number> {
  const server = spawn('server-child.ts', ['--expose-gc']);
  const fleets = await startFleets(1);
  const [fleet] = fleets.workers;
  try {
    await server.ready;
    const { port } = (await server.call({ cmd: 'start', kind }, 'port')) as { port: number };
    const url = `ws://127.0.0.1:${port}${kind === 'changefeed' ? '/ws' : '/'}`;
    const clientKind = kind === 'changefeed' ? 'changefeed' : 'ws';
    // Warm up the code paths with a few connections, then measure the baseline.
    await fleets.connect(clientKind, url, 50);
    await fleet.call('close');
    await new Promise((r) => setTimeout(r, 500));
    const before = (await server.call({ cmd: 'rss' }, 'rss')) as { rss: number };
    await fleets.connect(clientKind, url, count);
    await new Promise((r) => setTimeout(r, 500));
    const after = (await server.call({ cmd: 'rss' }, 'rss')) as { rss: number; connections: number };
    if (after.connections !== count) throw new Error(`${kind}: expected ${count} connections, server has ${after.connections}`);
    return (after.rss - before.rss) / count;
  } finally {
    await fleets.stop();
    await server.call({ cmd: 'stop' }, 'stopped').catch(() => {});
    server.kill();
  }
}

export async function runServerBench(options: ServerBenchOptions = {}): Promise<ServerBenchResult> {
  const log = options.log ?? ((l: string) => console.log(l));
  const quick = options.quick ?? false;
  const clients = options.clients ?? (quick ? 200 : 1000);
  const limit = fdLimit();
  const wanted = options.idleConnections ?? (quick ? 1000 : 10_000);
  // Each process holds one fd per connection, plus a margin for Node itself.
  const idleConnections = Math.min(wanted, limit - 200);
  const note = idleConnections < wanted ? `open files limit ${limit}: measured ${idleConnections} connections instead of ${wanted}` : undefined;

  log('notify() call cost…');
  const calls = await measureNotify(quick);
  const ns = (v: number[]) => {
    const s = [...v].sort((a, b) => a - b);
    return { median: percentile(s, 50), p99: percentile(s, 99) };
  };
  log(`fan-out to ${clients} clients in ${options.fleets ?? 2} processes…`);
  const fleets = options.fleets ?? 2;
  const changefeed = await fanout('changefeed', clients, fleets, quick, log);
  const wsLoop = await fanout('ws-loop', clients, fleets, quick, log);
  log(`idle connections (${idleConnections})…`);
  const cfIdle = await idle('changefeed', idleConnections);
  log(`changefeed: ${(cfIdle / 1024).toFixed(1)} KiB per idle connection`);
  const wsIdle = await idle('ws-loop', idleConnections);
  return {
    notifyNs: ns(calls.notify),
    notifyWithFlushNs: ns(calls.withFlush),
    baselineStringifyNs: ns(calls.stringify),
    fanout: { changefeed, wsLoop, clients },
    idle: {
      changefeed: { connections: idleConnections, bytesPerConnection: cfIdle },
      wsLoop: { connections: idleConnections, bytesPerConnection: wsIdle },
      fdLimit: limit,
      ...(note ? { note } : {}),
    },
  };
}
