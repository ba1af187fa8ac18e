/**
 * Fan-out: one server process, 1,000 clients split over two more (bench/server/fleets.ts: raw
 * WebSocket clients that read every notification's seq and send time, for every peer alike),
 * 100-byte notifications. The same harness drives @changefeed/server, socket.io and a plain
 * `ws` send-per-socket loop:
 *  - burst: N notifications handed to the server `batch` per macrotask, as fast as it takes them
 *    → deliveries/s (all deliveries ÷ time from the first notify to the last receipt), latency;
 *  - paced: a steady offered load (300 notifications/s × 1,000 clients = 300k deliveries/s)
 *    → latency at a load a real app might see.
 * Server RSS (after the burst) and CPU (per 100k deliveries) come from the server process.
 */
import type { Scenario, ScenarioContext } from '../lib/scenario.ts';
import { startWorker, type Worker, stopWorkers } from '../lib/worker.ts';
import { clientKind, peerUrl } from '../lib/peers.ts';
import { cpuShare, schedShares, type ProcSample } from '../lib/proc.ts';
import type { Summary } from '../lib/stats.ts';
import { startFleets, type Fleets } from '../server/fleets.ts';
import { loadavg } from 'node:os';

const CLIENTS = 1000;
const BATCH = 20;
/** Client processes (bench/server/raw-fleet.ts) the 1,000 clients are split over: see fleets.ts. */
const FLEETS = 2;
/** Offered loads, notifications/s to each of the 1,000 clients: one every peer keeps up with, and issue 3's 300k deliveries/s. */
const PACED_RATES = [50, 300];

type Peer = 'changefeed' | 'socket.io' | 'ws-loop';
const PEERS: Peer[] = ['changefeed', 'socket.io', 'ws-loop'];

export interface FanoutResult {
  peer: Peer;
  burstDeliveriesPerS: number;
  burstComplete: boolean;
  burstLatency: Summary;
  paced: { rate: number; latency: Summary; deliveriesPerS: number; complete: boolean }[];
  rssMiB: number;
  cpuMsPer100k: number;
  cpuShare: number;
}

export async function runFanoutPeer(peer: Peer, opts: { clients: number; burst: number; pacedMs: number; log: (m: string) => void }): Promise<FanoutResult> {
  let server: Worker | undefined;
  let fleets: Fleets | undefined;
  try {
    server = await startWorker('server');
    fleets = await startFleets(FLEETS);
    const { port } = await server.call<{ port: number }>('start', { kind: peer });
    const ready = await fleets.connect(clientKind(peer), peerUrl(peer, port), opts.clients);
    if (ready !== opts.clients) throw new Error(`${peer}: only ${ready} of ${opts.clients} clients connected`);
    const srv = server;

    // Warm-up: JIT, socket buffers.
    await fleets.measure({ perClient: 100, timeoutMs: 20_000 }, () => srv.call('burst', { count: 100, batch: BATCH }));

    const before = await server.call<ProcSample>('sampleNoGc');
    const b = await fleets.measure({ perClient: opts.burst, timeoutMs: 120_000, sample: 2_000_000 }, () =>
      srv.call<{ startedAt: number; endedAt: number }>('burst', { count: opts.burst, batch: BATCH }),
    );
    const after = await server.call<ProcSample>('sampleNoGc');
    const burstDeliveriesPerS = (b.received / (b.lastAt - b.trigger.startedAt)) * 1000;
    opts.log(`${peer}: burst ${b.received}/${b.expected} in ${(b.lastAt - b.trigger.startedAt).toFixed(0)} ms → ${Math.round(burstDeliveriesPerS)}/s, p50 ${b.latency.p50.toFixed(2)} ms p99 ${b.latency.p99.toFixed(2)} ms`);

    const pacedRuns: FanoutResult['paced'] = [];
    for (const rate of PACED_RATES) {
      const perClient = Math.round((rate * opts.pacedMs) / 1000);
      const load = loadavg()[0];
      const pids = [srv.pid, ...fleets.workers.map((w) => w.pid)];
      const { result: p, wait } = await schedShares(pids, () =>
        fleets!.measure({ perClient, timeoutMs: opts.pacedMs + 60_000 }, () => srv.call<{ sent: number; startedAt: number; endedAt: number }>('paced', { rate, durationMs: opts.pacedMs })),
      );
      const deliveriesPerS = (p.received / (p.lastAt - p.trigger.startedAt)) * 1000;
      const starved = wait.map((w) => `${(w * 100).toFixed(0)}%`).join('/');
      opts.log(`${peer}: paced ${rate}/s × ${opts.clients}: ${p.received}/${p.expected} → ${Math.round(deliveriesPerS)}/s, p50 ${p.latency.p50.toFixed(2)} ms p99 ${p.latency.p99.toFixed(2)} ms (load average ${load.toFixed(2)}; waiting for a CPU: server/clients ${starved} of the time)`);
      pacedRuns.push({ rate, latency: p.latency, deliveriesPerS, complete: p.received === p.expected });
    }

    return {
      peer,
      burstDeliveriesPerS,
      burstComplete: b.received === b.expected,
      burstLatency: b.latency,
      paced: pacedRuns,
      rssMiB: after.rss / 2 ** 20,
      cpuMsPer100k: ((after.cpu - before.cpu) / b.received) * 100_000,
      cpuShare: cpuShare(before, after),
    };
  } finally {
    await fleets?.stop();
    await stopWorkers(server);
  }
}

export const fanout: Scenario = {
  name: 'fanout',
  description: '@changefeed/server vs socket.io vs a ws send-per-socket loop, 1,000 clients',
  async run(ctx: ScenarioContext) {
    const opts = { clients: CLIENTS, burst: ctx.quick ? 200 : 3000, pacedMs: ctx.quick ? 1000 : 5000, log: ctx.log };
    const results = new Map<Peer, FanoutResult>();
    for (const peer of PEERS) {
      try {
        results.set(peer, await runFanoutPeer(peer, opts));
      } catch (error) {
        ctx.log(`${peer}: failed: ${error instanceof Error ? error.message : error}`);
        ctx.skip(`fan-out for ${peer}: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
      }
    }
    const io = results.get('socket.io');
    const base = (pick: (r: FanoutResult) => number) => (io ? { subject: 'socket.io', value: pick(io) } : null);
    for (const peer of PEERS) {
      const r = results.get(peer);
      if (!r) continue;
      const ours = peer === 'changefeed';
      const baseline = peer === 'socket.io' ? null : base;
      const note = `${opts.burst} notifications × ${opts.clients} clients, ${BATCH} per macrotask` + (r.burstComplete ? '' : ' — not all delivered in time');
      ctx.rec.add({
        name: `burst.deliveries_per_s.${peer}`,
        label: 'Burst deliveries/s',
        subject: peer,
        value: r.burstDeliveriesPerS,
        unit: '/s',
        better: 'higher',
        baseline: baseline?.((x) => x.burstDeliveriesPerS),
        goal: ours ? { on: 'ratio', op: '>=', target: 3, text: '≥ 3× socket.io' } : undefined,
        note,
      });
      ctx.rec.add({
        name: `burst.latency_p50.${peer}`,
        label: 'Burst latency p50',
        subject: peer,
        value: r.burstLatency.p50,
        unit: 'ms',
        better: 'lower',
        baseline: baseline?.((x) => x.burstLatency.p50),
        // Saturated: latency is queueing. A server whose send blocks its caller (socket.io, the
        // ws loop) stamps later notifications later, so its queue does not show here: compare
        // latency at the paced loads.
        note: ours ? 'under saturation: queueing, and a blocking send() hides its queue — see the paced rows' : undefined,
      });
      ctx.rec.add({ name: `burst.latency_p99.${peer}`, label: 'Burst latency p99', subject: peer, value: r.burstLatency.p99, unit: 'ms', better: 'lower', baseline: baseline?.((x) => x.burstLatency.p99) });
      for (const [i, p] of r.paced.entries()) {
        const k = `${(p.rate * opts.clients) / 1000}k`;
        const basePaced = (pick: (x: FanoutResult['paced'][number]) => number) => (baseline && io ? { subject: 'socket.io', value: pick(io.paced[i]) } : null);
        const pacedNote = `offered ${(p.rate * opts.clients).toLocaleString('en-US')} deliveries/s for ${opts.pacedMs / 1000} s` + (p.complete ? '' : ' — not all delivered in time');
        ctx.rec.add({ name: `paced_${k}.deliveries_per_s.${peer}`, label: `Paced ${k}/s: deliveries/s`, subject: peer, value: p.deliveriesPerS, unit: '/s', better: 'higher', baseline: basePaced((x) => x.deliveriesPerS), note: pacedNote });
        ctx.rec.add({ name: `paced_${k}.latency_p50.${peer}`, label: `Paced ${k}/s: latency p50`, subject: peer, value: p.latency.p50, unit: 'ms', better: 'lower', baseline: basePaced((x) => x.latency.p50) });
        ctx.rec.add({
          name: `paced_${k}.latency_p99.${peer}`,
          label: `Paced ${k}/s: latency p99`,
          subject: peer,
          value: p.latency.p99,
          unit: 'ms',
          better: 'lower',
          baseline: basePaced((x) => x.latency.p99),
          goal: ours && p.rate === 300 ? { on: 'value', op: '<=', target: 20, text: '≤ 20 ms at 300k deliveries/s' } : undefined,
        });
      }
      ctx.rec.add({ name: `server_rss.${peer}`, label: 'Server RSS after burst', subject: peer, value: r.rssMiB, unit: 'MiB', better: 'lower', baseline: baseline?.((x) => x.rssMiB) });
      ctx.rec.add({
        name: `server_cpu_per_100k.${peer}`,
        label: 'Server CPU per 100k deliveries',
        subject: peer,
        value: r.cpuMsPer100k,
        unit: 'ms',
        better: 'lower',
        baseline: baseline?.((x) => x.cpuMsPer100k),
        note: `server busy ${(r.cpuShare * 100).toFixed(0)}% of a core during the burst`,
      });
    }
  },
};
