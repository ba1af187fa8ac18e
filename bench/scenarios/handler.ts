/**
 * Handler cost: what `notifier.notify(n)` costs the request handler that calls it, with 100
 * subscribed clients connected (fan-out runs on a later turn, outside the measurement — that is
 * the design). For reference the same harness times what the alternatives cost their caller:
 * socket.io's `io.emit()` and the `ws` send loop, both of which write to every socket inline.
 */
import type { Scenario } from '../lib/scenario.ts';
import { startWorker, type Worker, stopWorkers } from '../lib/worker.ts';
import { clientKind, peerUrl } from '../lib/peers.ts';
import { summarize, type Summary } from '../lib/stats.ts';
import { deleteLog, REDIS_URL } from '../lib/redis.ts';

const PEERS = ['changefeed', 'socket.io', 'ws-loop'] as const;
type Peer = (typeof PEERS)[number];

export async function measureHandlerCost(
  peer: Peer,
  opts: { clients: number; batches: number; perBatch: number; cluster?: { url: string; prefix: string } & Record<string, unknown> },
): Promise<Summary> {
  let server: Worker | undefined;
  let fleet: Worker | undefined;
  try {
    server = await startWorker('server');
    fleet = await startWorker('fleet');
    const { port } = await server.call<{ port: number }>('start', { kind: peer, ...(opts.cluster ? { cluster: opts.cluster } : {}) });
    const url = peerUrl(peer, port);
    const conn = await fleet.call<{ ready: number }>('connect', { kind: clientKind(peer), url, n: opts.clients, reconnect: null });
    if (conn.ready !== opts.clients) throw new Error(`${peer}: only ${conn.ready} of ${opts.clients} clients connected`);
    await server.call('measureSend', { batches: Math.min(200, opts.batches), perBatch: opts.perBatch }); // warm-up
    const { samplesUs } = await server.call<{ samplesUs: number[] }>('measureSend', opts);
    return summarize(samplesUs);
  } finally {
    await stopWorkers(fleet, server);
  }
}

export const handler: Scenario = {
  name: 'handler',
  description: 'notify() call cost (median, p99) vs io.emit() and the ws send loop, 100 clients connected',
  async run(ctx) {
    const opts = { clients: 100, batches: ctx.quick ? 1000 : 20_000, perBatch: 10 };
    const got = new Map<Peer, Summary>();
    for (const peer of PEERS) {
      try {
        // The peers write to every socket inline (~0.1–1 ms a call): fewer samples say as much.
        const s = await measureHandlerCost(peer, peer === 'changefeed' ? opts : { ...opts, batches: Math.min(opts.batches, ctx.quick ? 100 : 300) });
        got.set(peer, s);
        ctx.log(`${peer}: median ${s.p50.toFixed(3)} µs, p99 ${s.p99.toFixed(3)} µs`);
      } catch (error) {
        ctx.skip(`handler cost for ${peer}: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
      }
    }
    // Cluster mode: notify() queues for the log's append instead of numbering; the same goal.
    // The harness calls it ~1,000,000 times/s, faster than any Redis appends: bounds that hold
    // the whole run, so what is timed is the queueing, not the overflow (drops and a marker).
    const cluster = {
      url: REDIS_URL,
      prefix: `cf_bench_handler_${process.pid}`,
      maxPending: 1_000_000,
      maxPendingChars: 256 * 1024 * 1024,
    };
    try {
      const s = await measureHandlerCost('changefeed', { ...opts, cluster });
      ctx.log(`changefeed with a Redis log: median ${s.p50.toFixed(3)} µs, p99 ${s.p99.toFixed(3)} µs`);
      ctx.rec.add({
        name: 'median.changefeed_log',
        label: 'Call cost with a shared Redis log (cluster mode), median',
        value: s.p50,
        unit: 'µs',
        better: 'lower',
        baseline: got.has('changefeed') ? { subject: 'no log', value: got.get('changefeed')!.p50 } : null,
        goal: { on: 'value', op: '<=', target: 1, text: '≤ 1 µs' },
        note: `${opts.batches} batches of ${opts.perBatch} calls, ${opts.clients} clients; p99 ${s.p99.toFixed(3)} µs`,
      });
    } catch (error) {
      ctx.skip(`handler cost with a Redis log: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
    } finally {
      await deleteLog(cluster.prefix);
    }
    const io = got.get('socket.io');
    for (const [peer, s] of got) {
      const ours = peer === 'changefeed';
      const note = `${opts.batches} batches of ${opts.perBatch} calls, ${opts.clients} clients`;
      ctx.rec.add({
        name: `median.${peer}`,
        label: 'Call cost, median',
        subject: peer,
        value: s.p50,
        unit: 'µs',
        better: 'lower',
        baseline: io && peer !== 'socket.io' ? { subject: 'socket.io', value: io.p50 } : null,
        goal: ours ? { on: 'value', op: '<=', target: 1, text: '≤ 1 µs (Go notifier: 2–3 µs)' } : undefined,
        note,
      });
      ctx.rec.add({
        name: `p99.${peer}`,
        label: 'Call cost, p99',
        subject: peer,
        value: s.p99,
        unit: 'µs',
        better: 'lower',
        baseline: io && peer !== 'socket.io' ? { subject: 'socket.io', value: io.p99 } : null,
      });
    }
  },
};
