/**
 * Idle connections: hold N WebSocket connections (10,000, then 50,000), clients spread over
 * several processes and loopback source addresses (127.0.0.2, …) to get past the ephemeral-port
 * limit; report the server's RSS per connection (after GC, minus its RSS before the first
 * connection) and the time to deliver one notification to all of them.
 * socket.io and the bare `ws` server hold the same 10,000 for comparison.
 *
 * One process may open only RLIMIT_NOFILE files. Where prlimit cannot raise it far enough (no
 * CAP_SYS_RESOURCE), 50,000 is held as a deployment holds it: several instances on one Postgres
 * (hold-across-instances.ts), labelled as such; the most one process allows is measured too.
 */
import type { Scenario, ScenarioContext } from '../lib/scenario.ts';
import type { Peer } from '../lib/peers.ts';
import { raiseFdLimit } from '../lib/limits.ts';
import { holdConnections, type ConnectionsResult } from './hold-connections.ts';
import { holdAcrossInstances, type InstancesResult } from './hold-across-instances.ts';

/** File descriptors a process needs beside its sockets (stdio, IPC, epoll, tsx, pg, …). */
const FD_MARGIN = 200;
const BIG = 50_000;
/** Quick mode still runs the several-instances path, on fewer connections (a smoke run). */
const QUICK_BIG = 3_000;
/**
 * Below this, the fixed costs of the first connections (heap growth, compiled code) outweigh the
 * per-connection ones, so the ≤ 8 KiB goal is only judged from here on.
 */
const GOAL_FROM = 10_000;

const n = (v: number) => v.toLocaleString('en-US');
const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

async function attempt<T>(ctx: ScenarioContext, what: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (e) {
    ctx.skip(`${what}: ${firstLine(e)}`);
    return undefined;
  }
}

function record(ctx: ScenarioContext, r: ConnectionsResult | InstancesResult, io: ConnectionsResult | undefined, fdLimit: number): void {
  const spread = r.instances > 1;
  const k = `${Math.round(r.connections / 1000)}k${spread ? `_across_${r.instances}` : ''}`;
  const where = spread ? ` across ${r.instances} instances` : '';
  const baseline = r.peer !== 'socket.io' && io && !spread && r.connections === io.connections;
  const vsIo = (v: number) => (baseline ? { subject: 'socket.io', value: v } : null);
  const limitNote = spread ? `; one process may open ${n(fdLimit)} files here` : '';
  const parts = spread ? (r as InstancesResult).perInstance : [];
  ctx.rec.add({
    name: `rss_per_conn.${k}.${r.peer}`,
    label: `Server RSS per idle connection at ${n(r.connections)}${where}`,
    subject: r.peer,
    value: r.rssPerConnKiB,
    unit: 'KiB',
    better: 'lower',
    baseline: vsIo(io?.rssPerConnKiB ?? NaN),
    goal: r.peer === 'changefeed' && r.connections >= GOAL_FROM ? { on: 'value', op: '<=', target: 8, text: '≤ 8 KiB' } : undefined,
    note: spread
      ? `RSS growth of all ${r.instances} instances (${parts.map((p) => `${p.rssGrowthMiB.toFixed(0)} MiB`).join(' + ')}) ÷ ${n(r.connections)}${limitNote}`
      : undefined,
  });
  if (spread) {
    ctx.rec.add({
      name: `rss_per_conn.${k}.max_instance.${r.peer}`,
      label: `Server RSS per idle connection at ${n(r.connections)}${where}, highest instance`,
      subject: r.peer,
      value: Math.max(...parts.map((p) => p.rssPerConnKiB)),
      unit: 'KiB',
      better: 'lower',
      note: `per instance: ${parts.map((p) => `${p.rssPerConnKiB.toFixed(2)} KiB × ${n(p.connections)}`).join(', ')}`,
    });
  }
  const missing = r.delivered === r.connections ? '' : `${n(r.delivered)} of ${n(r.connections)} delivered`;
  const via = spread
    ? `one INSERT (notify trigger) → Postgres → each instance's postgresSource → its clients; from the INSERT sent (its commit took ${(r as InstancesResult).commitMs.toFixed(1)} ms); ` +
      `first and last client per instance: ${parts.map((p) => `${p.firstMs.toFixed(0)}–${p.lastMs.toFixed(0)} ms`).join(', ')}`
    : '';
  ctx.rec.add({
    name: `deliver_all.${k}.${r.peer}`,
    label: spread ? `One INSERT to all ${n(r.connections)}${where}` : `One notification to all ${n(r.connections)}`,
    subject: r.peer,
    value: r.deliverAllMs,
    unit: 'ms',
    better: 'lower',
    baseline: vsIo(io?.deliverAllMs ?? NaN),
    note: [via, missing].filter(Boolean).join('; ') || undefined,
  });
  ctx.rec.add({
    name: `connect_all.${k}.${r.peer}`,
    label: `Time to open ${n(r.connections)} connections${where}`,
    subject: r.peer,
    value: r.connectMs / 1000,
    unit: 's',
    better: 'lower',
    baseline: vsIo((io?.connectMs ?? NaN) / 1000),
  });
}

export const connections: Scenario = {
  name: 'connections',
  description: 'idle connections: RSS per connection, one notification to all (10k, then 50k)',
  async run(ctx) {
    const big = ctx.quick ? QUICK_BIG : BIG;
    // run.ts already tried; again here so the scenario learns why it may not have worked.
    const fd = raiseFdLimit(BIG + FD_MARGIN);
    const perProcess = fd.soft - FD_MARGIN;
    const results: (ConnectionsResult | InstancesResult)[] = [];
    const single = await attempt(ctx, '10,000 connections for changefeed', () => holdConnections('changefeed', 10_000, ctx.log));
    if (single) results.push(single);

    if (BIG <= perProcess) {
      const r = await attempt(ctx, `${n(big)} connections for changefeed`, () => holdConnections('changefeed', big, ctx.log));
      if (r) results.push(r);
    } else {
      const instances = Math.ceil(BIG / perProcess);
      ctx.skip(
        `${n(BIG)} connections on one server process: one process may open ${n(fd.soft)} files here (RLIMIT_NOFILE; ${fd.refused ?? 'not raised'}; ` +
          `raising it needs CAP_SYS_RESOURCE) — measured across ${instances} instances on one Postgres instead` +
          (ctx.quick ? ` (quick mode: ${n(big)} connections)` : ''),
      );
      // The most one process allows: still an honest single-process data point.
      const most = Math.floor(perProcess / 1000) * 1000;
      if (!ctx.quick && most > 10_000) {
        const m = await attempt(ctx, `${n(most)} connections for changefeed`, () => holdConnections('changefeed', most, ctx.log));
        if (m) results.push(m);
      }
      const r = await attempt(ctx, `${n(big)} connections across ${instances} instances`, () => holdAcrossInstances(big, instances, ctx.log));
      if (r) results.push(r);
    }

    const baselines = new Map<Peer, ConnectionsResult>();
    // Opening 10,000 socket.io connections takes 10–60 s here: the peers run in full mode only.
    if (ctx.quick) ctx.skip('socket.io and ws-loop at 10,000 connections (full mode only)');
    for (const peer of (ctx.quick ? [] : ['socket.io', 'ws-loop']) as Peer[]) {
      const r = await attempt(ctx, `10,000 connections for ${peer}`, () => holdConnections(peer, 10_000, ctx.log));
      if (r) baselines.set(peer, r);
    }
    const io = baselines.get('socket.io');
    for (const r of [...results, ...baselines.values()]) record(ctx, r, io, fd.soft);
  },
};
