/**
 * N idle connections the way a deployment past one process's open-files limit holds them:
 * several @changefeed/server instances, each with a postgresSource LISTENing on the same real
 * Postgres, clients spread over them (one fleet process per ≤ PER_FLEET clients, as a load
 * balancer would spread browsers). One INSERT into a table with the notify trigger reaches every
 * instance through Postgres, and so every client: the figure is INSERT sent → last client.
 * RSS growth is summed over the instances and also reported per instance.
 */
import pg from 'pg';
import type { Worker } from '../lib/worker.ts';
import { monoMs, sleep } from '../lib/clock.ts';
import type { ProcSample } from '../lib/proc.ts';
import { PG_URL } from './commit-to-browser.ts';
import { PER_FLEET, deliverOnce, openFleets, startWorkers, stopAll, type ConnectionsResult, type FleetPlan } from './hold-connections.ts';

export interface InstancesResult extends ConnectionsResult {
  perInstance: { connections: number; rssGrowthMiB: number; rssPerConnKiB: number; firstMs: number; lastMs: number }[];
  /** INSERT sent → the first client had it. */
  firstMs: number;
  /** INSERT sent → its commit acknowledged (Postgres's share of deliverAllMs). */
  commitMs: number;
}

export async function holdAcrossInstances(count: number, instances: number, log: (m: string) => void): Promise<InstancesResult> {
  // Per-run names, so a parallel run (another engineer, another scenario) never crosses wires.
  const table = `cf_bench_conn_${process.pid}`;
  const channel = table;
  const { notifyTriggerSql } = (await import('@changefeed/server')) as any;
  const db = new pg.Client({ connectionString: PG_URL });
  const servers: Worker[] = [];
  const fleets: Worker[] = [];
  let tableMade = false;
  try {
    await db.connect();
    await db.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY)`);
    tableMade = true;
    await db.query(notifyTriggerSql({ table, collection: 'bench', channel }));
    servers.push(...(await startWorkers('server', instances)));
    const ports = await Promise.all(
      servers.map(async (s) => (await s.call<{ port: number }>('start', { kind: 'changefeed', postgres: { connectionString: PG_URL, channel } })).port),
    );
    // Warm-up before any client: the trigger's plan, each instance's LISTEN → hub path.
    await db.query(`INSERT INTO ${table} (id) VALUES (0)`);
    await sleep(200);
    const before = await Promise.all(servers.map((s) => s.call<ProcSample>('sample')));

    const shares = Array.from({ length: instances }, (_, i) => Math.floor(count / instances) + (i < count % instances ? 1 : 0));
    const plans: (FleetPlan & { instance: number })[] = shares.flatMap((share, i) => {
      const nFleets = Math.ceil(share / PER_FLEET);
      const per = Math.ceil(share / nFleets);
      return Array.from({ length: nFleets }, (_, k) => ({ instance: i, url: `ws://127.0.0.1:${ports[i]}/ws`, n: Math.min(per, share - k * per) }));
    });
    const { connectMs, ready } = await openFleets('changefeed', plans, fleets);
    if (ready !== count) throw new Error(`only ${ready} of ${count} connections opened across ${instances} instances`);
    await sleep(1000);
    const after = await Promise.all(servers.map((s) => s.call<ProcSample>('sample')));
    const growth = shares.map((_, i) => after[i].rss - before[i].rss);
    const rssPerConnKiB = growth.reduce((s, g) => s + g, 0) / count / 1024;

    let commitMs = NaN;
    const d = await deliverOnce(fleets, async () => {
      const at = monoMs();
      await db.query(`INSERT INTO ${table} (id) VALUES (1)`);
      commitMs = monoMs() - at;
      return at;
    });
    // Which instance was late, if one was: its fleets' first and last arrival.
    const perInstance = shares.map((n, i) => {
      const mine = d.perFleet.filter((_, f) => plans[f].instance === i && d.perFleet[f].received > 0);
      const firstMs = Math.min(...mine.map((f) => f.firstMs));
      const lastMs = Math.max(...mine.map((f) => f.lastMs));
      return { connections: n, rssGrowthMiB: growth[i] / 2 ** 20, rssPerConnKiB: growth[i] / n / 1024, firstMs, lastMs };
    });
    log(
      `changefeed ×${count} across ${instances} instances (${shares.join(' + ')}): connected in ${(connectMs / 1000).toFixed(1)} s, ` +
        `${rssPerConnKiB.toFixed(2)} KiB/conn (per instance ${perInstance.map((p) => p.rssPerConnKiB.toFixed(2)).join(' / ')}), ` +
        `one INSERT to all in ${d.deliverAllMs.toFixed(1)} ms (first after ${d.firstMs.toFixed(1)} ms, commit ${commitMs.toFixed(1)} ms; ${d.delivered} delivered; ` +
        `per instance first–last ${perInstance.map((p) => `${p.firstMs.toFixed(0)}–${p.lastMs.toFixed(0)}`).join(', ')} ms)`,
    );
    return { peer: 'changefeed', connections: count, instances, connectMs, rssPerConnKiB, perInstance, commitMs, ...d };
  } finally {
    await stopAll(fleets);
    await stopAll(servers);
    if (tableMade) await db.query(`DROP TABLE IF EXISTS ${table}; DROP FUNCTION IF EXISTS changefeed_notify_${table}()`).catch(() => {});
    await db.end().catch(() => {});
  }
}
