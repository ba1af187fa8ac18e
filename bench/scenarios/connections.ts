/**
 * Idle connections: hold N WebSocket connections (10,000, then 50,000), clients spread over
 * several processes and loopback source addresses (127.0.0.2, …) to get past the ephemeral-port
 * limit; report the server's RSS per connection (after GC, minus its RSS before the first
 * connection) and the time to deliver one notification to all of them.
 * socket.io and the bare `ws` server hold the same 10,000 for comparison.
 */
import type { Scenario } from '../lib/scenario.ts';
import { startWorker, type Worker } from '../lib/worker.ts';
import { clientKind, peerUrl } from '../lib/peers.ts';
import { loopbackPool } from '../lib/addresses.ts';
import { readFdLimit } from '../lib/limits.ts';
import { sleep } from '../lib/clock.ts';
import type { ProcSample } from '../lib/proc.ts';

type Peer = 'changefeed' | 'socket.io' | 'ws-loop';
/** File descriptors a process needs beside its sockets (stdio, IPC, epoll, tsx, …). */
const FD_MARGIN = 200;
const PER_FLEET = 10_000;

export interface ConnectionsResult {
  peer: Peer;
  connections: number;
  connectMs: number;
  rssPerConnKiB: number;
  deliverAllMs: number;
  delivered: number;
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
    for (let i = 0; i < nFleets; i++) fleets.push(await startWorker('fleet'));
    const pool = loopbackPool(count);
    const t0 = performance.now();
    const per = Math.ceil(count / nFleets);
    const conns = await Promise.all(
      fleets.map((f, i) =>
        f.call<{ ready: number }>(
          'connect',
          {
            kind: clientKind(peer),
            url,
            n: Math.min(per, count - i * per),
            // Each fleet takes its own slice of the pool so no source address runs out of ports.
            addresses: pool.filter((_, j) => j % nFleets === i).length ? pool.filter((_, j) => j % nFleets === i) : pool,
            reconnect: null,
            concurrency: 128,
            lean: true,
          },
          600_000,
        ),
      ),
    );
    const connectMs = performance.now() - t0;
    const ready = conns.reduce((s, c) => s + c.ready, 0);
    if (ready !== count) throw new Error(`${peer}: only ${ready} of ${count} connections opened`);
    await sleep(1000);
    const after = await server.call<ProcSample>('sample');
    const rssPerConnKiB = (after.rss - before.rss) / count / 1024;

    await Promise.all(fleets.map((f) => f.call('expect', { perClient: 1, timeoutMs: 30_000 })));
    const { at } = await server.call<{ at: number }>('notify', { count: 1 });
    const got = await Promise.all(fleets.map((f) => f.call<{ received: number; lastAt: number }>('collect')));
    const delivered = got.reduce((s, g) => s + g.received, 0);
    const deliverAllMs = Math.max(...got.map((g) => g.lastAt)) - at;
    log(`${peer} ×${count}: connected in ${(connectMs / 1000).toFixed(1)} s, ${rssPerConnKiB.toFixed(2)} KiB/conn, one notification to all in ${deliverAllMs.toFixed(1)} ms (${delivered} delivered)`);
    return { peer, connections: count, connectMs, rssPerConnKiB, deliverAllMs, delivered };
  } finally {
    await Promise.all(fleets.map(async (f) => {
      await f.call('close', undefined, 30_000).catch(() => {});
      await f.stop();
    }));
    await server?.call('close', undefined, 30_000).catch(() => {});
    await server?.stop();
  }
}

export const connections: Scenario = {
  name: 'connections',
  description: 'idle connections: RSS per connection, one notification to all (10k, then 50k)',
  async run(ctx) {
    const limit = readFdLimit().soft;
    const fits = (n: number) => n + FD_MARGIN <= limit;
    const targets = [10_000, 50_000];
    const ours: ConnectionsResult[] = [];
    for (const n of targets) {
      if (!fits(n)) {
        ctx.skip(
          `${n.toLocaleString('en-US')} connections: the server process may open ${limit} files (RLIMIT_NOFILE; raising it needs CAP_SYS_RESOURCE, which this machine does not grant even to root)`,
        );
        continue;
      }
      ours.push(await holdConnections('changefeed', n, ctx.log).catch((e) => (ctx.skip(`${n} connections for changefeed: ${e.message.split('\n')[0]}`), undefined as never)));
    }
    // The most the fd limit allows, when a target did not fit: still an honest data point.
    if (!ctx.quick && targets.some((n) => !fits(n))) {
      const most = Math.floor((limit - FD_MARGIN) / 1000) * 1000;
      if (most > Math.max(...targets.filter(fits))) {
        ours.push(await holdConnections('changefeed', most, ctx.log).catch((e) => (ctx.skip(`${most} connections for changefeed: ${e.message.split('\n')[0]}`), undefined as never)));
      }
    }
    const baselines = new Map<Peer, ConnectionsResult>();
    // Opening 10,000 socket.io connections takes 10–60 s here: the peers run in full mode only.
    if (ctx.quick) ctx.skip('socket.io and ws-loop at 10,000 connections (full mode only)');
    for (const peer of (ctx.quick ? [] : ['socket.io', 'ws-loop']) as Peer[]) {
      try {
        baselines.set(peer, await holdConnections(peer, 10_000, ctx.log));
      } catch (e) {
        ctx.skip(`10,000 connections for ${peer}: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
      }
    }
    const io = baselines.get('socket.io');
    for (const r of [...ours.filter(Boolean), ...baselines.values()]) {
      const k = `${Math.round(r.connections / 1000)}k`;
      const baseline = r.peer !== 'socket.io' && io && r.connections === io.connections;
      const ourMain = r.peer === 'changefeed';
      ctx.rec.add({
        name: `rss_per_conn.${k}.${r.peer}`,
        label: `Server RSS per idle connection at ${r.connections.toLocaleString('en-US')}`,
        subject: r.peer,
        value: r.rssPerConnKiB,
        unit: 'KiB',
        better: 'lower',
        baseline: baseline ? { subject: 'socket.io', value: io!.rssPerConnKiB } : null,
        goal: ourMain ? { on: 'value', op: '<=', target: 8, text: '≤ 8 KiB' } : undefined,
      });
      ctx.rec.add({
        name: `deliver_all.${k}.${r.peer}`,
        label: `One notification to all ${r.connections.toLocaleString('en-US')}`,
        subject: r.peer,
        value: r.deliverAllMs,
        unit: 'ms',
        better: 'lower',
        baseline: baseline ? { subject: 'socket.io', value: io!.deliverAllMs } : null,
        note: r.delivered === r.connections ? undefined : `${r.delivered} of ${r.connections} delivered`,
      });
      ctx.rec.add({
        name: `connect_all.${k}.${r.peer}`,
        label: `Time to open ${r.connections.toLocaleString('en-US')} connections`,
        subject: r.peer,
        value: r.connectMs / 1000,
        unit: 's',
        better: 'lower',
        baseline: baseline ? { subject: 'socket.io', value: io!.connectMs / 1000 } : null,
      });
    }
  },
};
