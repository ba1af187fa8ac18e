/**
 * Cluster mode (issue 13): three @changefeed/server instances, each a process of its own, on one
 * shared log on the real Redis (redisLog), next to the same without the log, in the same run:
 *  (a) rolling restart: every instance in turn close()s (1001 with its spread window) and a new
 *      process takes its port, while notifications flow at 100/s; the clients (the SDK's wire
 *      behaviour and reconnect policy, workers/fleet.ts) reconnect to the next instance in their
 *      list. Counted: resets (each a refetch), seqs missing without a reset covering them, and
 *      duplicates. Notifications come from a fourth cluster instance without clients (an app
 *      process that only notifies), so the flow does not stop while the serving ones restart;
 *      without the log, each serving instance notifies for itself;
 *  (b) latency of notify() on instance A to clients on instance C, next to notify() and clients
 *      on one instance without the log;
 *  (c) burst fan-out deliveries/s, clients on C and the burst on A, with the log vs without.
 */
import { createClient } from '@redis/client';
import type { Scenario, ScenarioContext } from '../lib/scenario.ts';
import { startWorker, type Worker } from '../lib/worker.ts';
import { loopbackPool } from '../lib/addresses.ts';
import { sleep } from '../lib/clock.ts';
import type { Summary } from '../lib/stats.ts';

const REDIS_URL = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const INSTANCES = 3;
const RATE = 100;
/** Clients of the latency and throughput fleets (on one instance). */
const FANOUT_CLIENTS = 500;
const BURST = 1_000;
const BATCH = 20;

interface Server {
  worker: Worker;
  port: number;
}

interface Tally {
  worst: unknown;
  missing: number;
  behind: number;
  resets: number;
  duplicates: number;
}

async function startServer(
  cluster: { url: string; prefix: string } | undefined,
  port = 0,
): Promise<Server> {
  const worker = await startWorker('server');
  const r = await worker.call<{ port: number }>('start', {
    kind: 'changefeed',
    port,
    ...(cluster ? { cluster } : {}),
  });
  return { worker, port: r.port };
}

async function stopServer(s: Server | undefined): Promise<void> {
  await s?.worker.call('close', undefined, 30_000).catch(() => {});
  await s?.worker.stop();
}

async function headOf(s: Server): Promise<number> {
  return (await s.worker.call<{ head: number }>('metrics')).head;
}

/** Waits until every client is subscribed again (the restarted instance's clients on another one). */
async function settled(fleet: Worker, n: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await fleet.call<{ subscribed: number }>('status');
    if (s.subscribed >= n) return true;
    if (Date.now() > deadline) return false;
    await sleep(200);
  }
}

/** Restarts each serving instance in turn (close(), then a new process on the same port); returns the seconds it took. */
async function rollingRestart(
  ctx: ScenarioContext,
  label: string,
  servers: Server[],
  cluster: { url: string; prefix: string } | undefined,
  fleet: Worker,
  n: number,
): Promise<number> {
  const t0 = Date.now();
  await fleet.call('mark');
  for (let i = 0; i < servers.length; i++) {
    const old = servers[i];
    await old.worker.call('close', undefined, 120_000);
    await old.worker.stop();
    servers[i] = await startServer(cluster, old.port);
    const ok = await settled(fleet, n, 120_000);
    ctx.log(
      `${label}: instance ${i + 1} restarted; clients ${ok ? 'all back' : 'NOT all back in 120 s'}`,
    );
  }
  return (Date.now() - t0) / 1000;
}

/** Latency of `rate`/s for `ms` from `from` to a fleet, p50/p99. */
async function paced(from: Server, fleet: Worker, ms: number): Promise<Summary> {
  const perClient = Math.round((RATE * ms) / 1000);
  await fleet.call('expect', { perClient, timeoutMs: ms + 30_000 });
  await from.worker.call('paced', { rate: RATE, durationMs: ms }, ms + 60_000);
  const r = await fleet.call<{ latency: Summary; received: number; expected: number }>(
    'collect',
    undefined,
    ms + 60_000,
  );
  return r.latency;
}

/** Burst deliveries/s from `from` to a fleet. */
async function burst(from: Server, fleet: Worker): Promise<number> {
  await fleet.call('expect', { perClient: BURST, timeoutMs: 120_000, sample: 100_000 });
  const b = await from.worker.call<{ startedAt: number }>(
    'burst',
    { count: BURST, batch: BATCH },
    120_000,
  );
  const r = await fleet.call<{ received: number; lastAt: number }>('collect', undefined, 180_000);
  return (r.received / (r.lastAt - b.startedAt)) * 1000;
}

async function fanoutFleet(urls: string[], n: number, reconnect: boolean): Promise<Worker> {
  const fleet = await startWorker('fleet');
  const r = await fleet.call<{ ready: number }>(
    'connect',
    {
      kind: 'changefeed',
      url: urls[0],
      urls,
      n,
      addresses: loopbackPool(n),
      // {}: the SDK's own defaults (the fleet reads NOTIFICATIONS_DEFAULTS.reconnect itself).
      reconnect: reconnect ? {} : null,
      concurrency: 128,
      lean: !reconnect,
    },
    300_000,
  );
  if (r.ready !== n) throw new Error(`only ${r.ready} of ${n} clients subscribed`);
  return fleet;
}

export const cluster: Scenario = {
  name: 'cluster',
  description:
    '3 instances on a shared Redis log vs without: rolling restart, cross-instance latency, burst fan-out',
  async run(ctx) {
    const n = Number(process.env['BENCH_CLUSTER_CLIENTS'] ?? (ctx.quick ? 1_000 : 10_000));
    const pacedMs = ctx.quick ? 3_000 : 10_000;
    const prefix = `cf_bench_${process.pid}_${Date.now().toString(36)}`;
    const log = { url: REDIS_URL, prefix };
    const servers: Server[] = [];
    const plain: Server[] = [];
    const fleets: Worker[] = [];
    let producer: Server | undefined;
    let single: Server | undefined;
    try {
      for (let i = 0; i < INSTANCES; i++) servers.push(await startServer(log));
      producer = await startServer(log);
      single = await startServer(undefined);
      const wsUrl = (s: Server) => `ws://127.0.0.1:${s.port}/ws`;

      // (b) and (c): a quiet fleet on C; notify() on A, and on one instance without the log.
      const onC = await fanoutFleet([wsUrl(servers[2])], FANOUT_CLIENTS, false);
      const onSingle = await fanoutFleet([wsUrl(single)], FANOUT_CLIENTS, false);
      fleets.push(onC, onSingle);
      await paced(servers[0], onC, 1_000); // warm-up
      await paced(single, onSingle, 1_000);
      const latSingle = await paced(single, onSingle, pacedMs);
      const latCluster = await paced(servers[0], onC, pacedMs);
      ctx.log(
        `latency ${RATE}/s × ${FANOUT_CLIENTS} clients: single p50 ${latSingle.p50.toFixed(2)} p99 ${latSingle.p99.toFixed(2)} ms; A → C p50 ${latCluster.p50.toFixed(2)} p99 ${latCluster.p99.toFixed(2)} ms`,
      );
      const burstSingle = await burst(single, onSingle);
      const burstCluster = await burst(servers[0], onC);
      ctx.log(
        `burst ${BURST} × ${FANOUT_CLIENTS}: single ${Math.round(burstSingle)}/s, A → C ${Math.round(burstCluster)}/s`,
      );
      await onC.call('close');
      await onSingle.call('close');

      // (a) with the log: n clients spread over the three, notifications from the producer.
      const urls = servers.map(wsUrl);
      const fleet = await fanoutFleet(urls, n, true);
      fleets.push(fleet);
      // Flows until the producer is killed; what it had not appended then was never in the log, so no client misses it.
      const flowMs = 3_600_000;
      void producer.worker
        .call('paced', { rate: RATE, durationMs: flowMs }, flowMs + 60_000)
        .catch(() => {});
      await sleep(1_000);
      const seconds = await rollingRestart(ctx, 'with the log', servers, log, fleet, n);
      await producer.worker.kill();
      producer = undefined;
      await sleep(1_500); // the last notifications reach every client
      const withLog = await fleet.call<Tally>('tally', { head: await headOf(servers[0]) });
      ctx.log(
        `with the log: ${withLog.resets} resets, ${withLog.missing} missing, ${withLog.duplicates} duplicates, ${withLog.behind} clients behind (the furthest: ${JSON.stringify(withLog.worst)}), ${seconds.toFixed(1)} s`,
      );
      await fleet.call('close');

      // (a) without the log, in the same run: three independent instances.
      for (let i = 0; i < INSTANCES; i++) plain.push(await startServer(undefined));
      const plainFleet = await fanoutFleet(plain.map(wsUrl), n, true);
      fleets.push(plainFleet);
      const plainSeconds = await rollingRestart(
        ctx,
        'without the log',
        plain,
        undefined,
        plainFleet,
        n,
      );
      const withoutLog = await plainFleet.call<Tally>('tally', { head: 0 });
      ctx.log(`without the log: ${withoutLog.resets} resets, ${plainSeconds.toFixed(1)} s`);

      const note = `${n.toLocaleString('en-US')} clients over ${INSTANCES} instances, ${RATE} notifications/s`;
      ctx.rec.add({
        name: 'restart.resets.log',
        label: '(a) rolling restart with the log: resets',
        value: withLog.resets,
        unit: '',
        better: 'lower',
        goal: { on: 'value', op: '<=', target: 0, text: '0' },
        note,
      });
      ctx.rec.add({
        name: 'restart.missing.log',
        label: '(a) rolling restart with the log: missing seqs',
        value: withLog.missing,
        unit: '',
        better: 'lower',
        goal: { on: 'value', op: '<=', target: 0, text: '0' },
        note: `${withLog.duplicates} duplicates (dropped by the client)`,
      });
      ctx.rec.add({
        name: 'restart.resets.nolog',
        label: '(a) rolling restart without the log: resets',
        subject: 'no log',
        value: withoutLog.resets,
        unit: '',
        better: 'lower',
        note: `${n.toLocaleString('en-US')} clients over ${INSTANCES} independent instances (each its own epoch)`,
      });
      ctx.rec.add({
        name: 'latency_p50.cross',
        label: '(b) notify() on A → client on C, p50',
        value: latCluster.p50,
        unit: 'ms',
        better: 'lower',
        baseline: { subject: 'one instance', value: latSingle.p50 },
        note: `${RATE}/s × ${FANOUT_CLIENTS} clients`,
      });
      ctx.rec.add({
        name: 'latency_p99.cross',
        label: '(b) notify() on A → client on C, p99',
        value: latCluster.p99,
        unit: 'ms',
        better: 'lower',
        baseline: { subject: 'one instance', value: latSingle.p99 },
        goal: {
          on: 'value',
          op: '<=',
          target: latSingle.p99 + 2,
          text: `≤ one instance + 2 ms (${(latSingle.p99 + 2).toFixed(2)})`,
        },
        note: `one instance: p50 ${latSingle.p50.toFixed(2)}, p99 ${latSingle.p99.toFixed(2)} ms`,
      });
      ctx.rec.add({
        name: 'burst.deliveries_per_s',
        label: '(c) burst deliveries/s, with the log',
        value: burstCluster,
        unit: '/s',
        better: 'higher',
        baseline: { subject: 'no log', value: burstSingle },
        goal: { on: 'ratio', op: '>=', target: 0.7, text: '≥ 70% of no log' },
        note: `${BURST} notifications × ${FANOUT_CLIENTS} clients, ${BATCH} per macrotask`,
      });
    } finally {
      for (const f of fleets) {
        await f.call('close', undefined, 30_000).catch(() => {});
        await f.stop();
      }
      for (const s of [...servers, ...plain, producer, single]) await stopServer(s);
      const admin = createClient({ url: REDIS_URL });
      admin.on('error', () => {});
      await admin
        .connect()
        .then(() => admin.del([`{${prefix}}:meta`, `{${prefix}}:log`]))
        .catch(() => {});
      admin.destroy();
    }
  },
};
