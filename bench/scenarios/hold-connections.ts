/**
 * Holding N idle connections on one server process: fleets of clients in other processes, spread
 * over loopback source addresses, then the server's RSS growth per connection and the time one
 * notification takes to reach all of them. `openFleets` and `deliverOnce` are shared with
 * hold-across-instances.ts, so one process and several are measured the same way.
 */
import { startWorker, type Worker } from '../lib/worker.ts';
import { clientKind, peerUrl, type Peer } from '../lib/peers.ts';
import { loopbackPool } from '../lib/addresses.ts';
import { sleep } from '../lib/clock.ts';
import type { ProcSample } from '../lib/proc.ts';

/** Clients per fleet process: well under the open-files limit of one process (20,000 here). */
export const PER_FLEET = 10_000;

export interface ConnectionsResult {
  peer: Peer;
  connections: number;
  /** Server processes holding them (1 unless the open-files limit made us spread them). */
  instances: number;
  connectMs: number;
  rssPerConnKiB: number;
  deliverAllMs: number;
  delivered: number;
}

/** One fleet process: `n` clients of `kind` on `url`. */
export interface FleetPlan {
  url: string;
  n: number;
}

/**
 * Starts one fleet per plan (pushed onto `fleets` at once, so the caller's teardown sees every
 * process even if a later one fails) and opens all their connections in parallel. Each fleet gets
 * its own slice of the loopback pool, so no source address runs out of ports.
 */
export async function openFleets(kind: ReturnType<typeof clientKind>, plans: FleetPlan[], fleets: Worker[]): Promise<{ connectMs: number; ready: number }> {
  const total = plans.reduce((s, p) => s + p.n, 0);
  const pool = loopbackPool(total);
  const mine = plans.map((_, i) => pool.filter((_, j) => j % plans.length === i));
  const started = fleets.length;
  fleets.push(...(await startWorkers('fleet', plans.length)));
  const t0 = performance.now();
  const conns = await Promise.all(
    plans.map((p, i) =>
      fleets[started + i].call<{ ready: number }>(
        'connect',
        { kind, url: p.url, n: p.n, addresses: mine[i].length ? mine[i] : pool, reconnect: null, concurrency: 128, lean: true },
        600_000,
      ),
    ),
  );
  return { connectMs: performance.now() - t0, ready: conns.reduce((s, c) => s + c.ready, 0) };
}

export interface Delivery {
  /** From the trigger until the last client had it, ms. */
  deliverAllMs: number;
  /** From the trigger until the first client had it, ms. */
  firstMs: number;
  delivered: number;
  /** The same, per fleet process, in the order of the fleets. */
  perFleet: { received: number; firstMs: number; lastMs: number }[];
}

/**
 * Arms every fleet for one notification each, runs `trigger` (which returns when it was sent, on
 * monoMs), and returns the time from then until the last client had it.
 */
export async function deliverOnce(fleets: Worker[], trigger: () => Promise<number>): Promise<Delivery> {
  await Promise.all(fleets.map((f) => f.call('expect', { perClient: 1, timeoutMs: 30_000 })));
  const at = await trigger();
  const got = await Promise.all(fleets.map((f) => f.call<{ received: number; firstAt: number; lastAt: number }>('collect')));
  const perFleet = got.map((g) => ({ received: g.received, firstMs: g.received ? g.firstAt - at : NaN, lastMs: g.received ? g.lastAt - at : NaN }));
  const reached = perFleet.filter((g) => g.received > 0);
  return {
    deliverAllMs: Math.max(...reached.map((g) => g.lastMs)),
    firstMs: Math.min(...reached.map((g) => g.firstMs)),
    delivered: got.reduce((s, g) => s + g.received, 0),
    perFleet,
  };
}

/**
 * `count` workers started at once (process start-up is mostly waiting on tsx and imports); on a
 * failure the ones that did start are stopped before the error is thrown, so none is left behind.
 */
export async function startWorkers(name: string, count: number): Promise<Worker[]> {
  const settled = await Promise.allSettled(Array.from({ length: count }, () => startWorker(name)));
  const up = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stopAll(up);
    throw failed.reason;
  }
  return up;
}

/** Closes the fleets' clients, then ends the processes; never throws (teardown). */
export async function stopAll(workers: Worker[]): Promise<void> {
  await Promise.all(
    workers.map(async (w) => {
      await w.call('close', undefined, 30_000).catch(() => {});
      await w.stop();
    }),
  );
}

export async function holdConnections(peer: Peer, count: number, log: (m: string) => void): Promise<ConnectionsResult> {
  let server: Worker | undefined;
  const fleets: Worker[] = [];
  try {
    server = await startWorker('server');
    const { port } = await server.call<{ port: number }>('start', { kind: peer });
    const url = peerUrl(peer, port);
    await sleep(200);
    const before = await server.call<ProcSample>('sample');
    const nFleets = Math.ceil(count / PER_FLEET);
    const per = Math.ceil(count / nFleets);
    const plans = Array.from({ length: nFleets }, (_, i) => ({ url, n: Math.min(per, count - i * per) }));
    const { connectMs, ready } = await openFleets(clientKind(peer), plans, fleets);
    if (ready !== count) throw new Error(`${peer}: only ${ready} of ${count} connections opened`);
    await sleep(1000);
    const after = await server.call<ProcSample>('sample');
    const rssPerConnKiB = (after.rss - before.rss) / count / 1024;
    const d = await deliverOnce(fleets, async () => (await server!.call<{ at: number }>('notify', { count: 1 })).at);
    log(`${peer} ×${count}: connected in ${(connectMs / 1000).toFixed(1)} s, ${rssPerConnKiB.toFixed(2)} KiB/conn, one notification to all in ${d.deliverAllMs.toFixed(1)} ms (${d.delivered} delivered)`);
    return { peer, connections: count, instances: 1, connectMs, rssPerConnKiB, deliverAllMs: d.deliverAllMs, delivered: d.delivered };
  } finally {
    await stopAll(fleets);
    if (server) await stopAll([server]);
  }
}
