/**
 * Reconnect storm with 10,000 subscribed clients (protocol v1 clients that reconnect, resume and
 * reset exactly as the SDK does, through the SDK's own ReconnectPolicy with its defaults,
 * NOTIFICATIONS_DEFAULTS.reconnect; see workers/fleet.ts):
 *  (a) every connection drops at once while the server stays up (a proxy restart): time until
 *      all have resumed, and how many resets — each a refetch against the database — it caused.
 *      Notifications sent while they are away must come back from the replay buffer;
 *  (b) the server restarts (close() sends 1001; a new process, a new epoch, the same port): time
 *      until every client has reset, and how evenly the reconnects spread (peak 100 ms rate
 *      ÷ mean rate). The 1001's reason names the window to spread over, sized to the
 *      connections (create-notifier.ts close()).
 */
import type { Scenario } from '../lib/scenario.ts';
import { startWorker, type Worker } from '../lib/worker.ts';
import { loopbackPool } from '../lib/addresses.ts';
import { monoMs, sleep } from '../lib/clock.ts';
const BUCKET_MS = 100;

interface Storm {
  markAt: number;
  open: number;
  resumed: number;
  connectTimes: number[];
  resumeTimes: number[];
  resets: number;
  replayed: number;
  duplicates: number;
}

async function waitStorm(fleet: Worker, n: number, timeoutMs: number): Promise<Storm> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await fleet.call<Storm>('storm');
    if (s.resumed >= n || Date.now() > deadline) return s;
    await sleep(100);
  }
}

/** Connects per second after `from`, for the log: "0:812 1:2301 …". */
function perSecond(times: number[], from: number): string {
  const counts: number[] = [];
  for (const t of times) counts[Math.floor((t - from) / 1000)] = (counts[Math.floor((t - from) / 1000)] ?? 0) + 1;
  return [...counts.entries()].filter(([, c]) => c).map(([s, c]) => `${s}s:${c}`).join(' ');
}

/** Peak rate in any BUCKET_MS bucket ÷ mean rate over the span of the reconnects. */
export function spread(times: number[]): { spanMs: number; meanPerS: number; peakPerS: number; peakToMean: number } {
  if (times.length < 2) return { spanMs: 0, meanPerS: NaN, peakPerS: NaN, peakToMean: NaN };
  const sorted = [...times].sort((a, b) => a - b);
  const first = sorted[0];
  const spanMs = sorted[sorted.length - 1] - first;
  const buckets = new Array(Math.floor(spanMs / BUCKET_MS) + 1).fill(0);
  for (const t of sorted) buckets[Math.floor((t - first) / BUCKET_MS)]++;
  const meanPerS = (sorted.length / Math.max(spanMs, BUCKET_MS)) * 1000;
  const peakPerS = (Math.max(...buckets) / BUCKET_MS) * 1000;
  return { spanMs, meanPerS, peakPerS, peakToMean: peakPerS / meanPerS };
}

export const reconnectStorm: Scenario = {
  name: 'reconnect-storm',
  description: '10,000 subscribed clients: (a) all connections drop, server up; (b) the server restarts',
  async run(ctx) {
    const n = 10_000;
    let server: Worker | undefined;
    let fleet: Worker | undefined;
    try {
      server = await startWorker('server');
      const { port } = await server.call<{ port: number }>('start', { kind: 'changefeed' });
      const url = `ws://127.0.0.1:${port}/ws`;
      fleet = await startWorker('fleet');
      // reconnect: {} is an app that passes no withReconnect(): the fleet reads the SDK's defaults
      // (NOTIFICATIONS_DEFAULTS.reconnect) itself, as IPC's JSON would turn maxAttempts' Infinity into null.
      const conn = await fleet.call<{ ready: number }>('connect', { kind: 'changefeed', url, n, addresses: loopbackPool(n), reconnect: {}, concurrency: 128 }, 300_000);
      if (conn.ready !== n) throw new Error(`only ${conn.ready} of ${n} clients subscribed`);
      // Everyone has seen seq 1, so a resume has something to resume from.
      await fleet.call('expect', { perClient: 1, timeoutMs: 30_000 });
      await server.call('notify', { count: 1 });
      await fleet.call('collect');

      // (a) Drop every connection; notify while they are away; wait for all to resume.
      await fleet.call('mark');
      const { droppedAt } = await fleet.call<{ droppedAt: number }>('drop');
      await server.call('notify', { count: 5 });
      const a = await waitStorm(fleet, n, 60_000);
      const aAll = a.resumed >= n ? Math.max(...a.resumeTimes) - droppedAt : NaN;
      const aSpread = spread(a.connectTimes);
      ctx.log(`(a) connects per second after the drop: ${perSecond(a.connectTimes, droppedAt)}`);
      ctx.log(`(a) drop: ${a.resumed}/${n} resumed in ${aAll.toFixed(0)} ms, ${a.resets} resets, ${a.replayed} replayed, spread peak/mean ${aSpread.peakToMean.toFixed(2)}`);
      ctx.rec.add({
        name: 'drop.all_resumed',
        label: '(a) connections dropped: all resumed after',
        value: a.resumed >= n ? aAll / 1000 : null,
        unit: 's',
        better: 'lower',
        goal: { on: 'value', op: '<=', target: 10, text: '≤ 10 s' },
        note: a.resumed >= n ? `${a.replayed.toLocaleString('en-US')} notifications replayed from the buffer` : `${a.resumed} of ${n} resumed in 60 s`,
      });
      ctx.rec.add({ name: 'drop.resets', label: '(a) resets (refetches) caused', value: a.resets, unit: '', better: 'lower', goal: { on: 'value', op: '<=', target: 0, text: '0' } });
      ctx.rec.add({ name: 'drop.peak_to_mean', label: '(a) reconnect rate, peak 100 ms ÷ mean', value: aSpread.peakToMean, unit: '×', better: 'lower', note: `over ${(aSpread.spanMs / 1000).toFixed(2)} s` });

      // (b) Restart the server on the same port: 1001 to all, new process, new epoch.
      await fleet.call('mark');
      const closedAt = monoMs();
      await server.call('close', undefined, 60_000);
      const closeMs = monoMs() - closedAt;
      await server.stop();
      server = await startWorker('server');
      await server.call('start', { kind: 'changefeed', port });
      const downMs = monoMs() - closedAt;
      ctx.log(`(b) close() took ${closeMs.toFixed(0)} ms; the new server listened ${downMs.toFixed(0)} ms after close() began`);
      const b = await waitStorm(fleet, n, 60_000);
      const bAll = b.resumed >= n ? Math.max(...b.resumeTimes) - closedAt : NaN;
      const bSpread = spread(b.connectTimes);
      ctx.log(`(b) connects per second after close(): ${perSecond(b.connectTimes, closedAt)}`);
      ctx.log(`(b) restart: ${b.resumed}/${n} reset in ${bAll.toFixed(0)} ms, ${b.resets} resets, spread peak/mean ${bSpread.peakToMean.toFixed(2)} over ${bSpread.spanMs.toFixed(0)} ms`);
      ctx.rec.add({
        name: 'restart.all_reset',
        label: '(b) server restart: every client reset after',
        value: b.resumed >= n ? bAll / 1000 : null,
        unit: 's',
        better: 'lower',
        goal: { on: 'value', op: '<=', target: 10, text: '≤ 10 s' },
        note:
          `${b.resets.toLocaleString('en-US')} resets; includes ${(downMs / 1000).toFixed(1)} s with no server (close() ${(closeMs / 1000).toFixed(1)} s, then a new process)` +
          (b.resumed >= n ? '' : `; ${b.resumed} of ${n} back in 60 s`),
      });
      ctx.rec.add({
        name: 'restart.peak_to_mean',
        label: '(b) reconnect rate, peak 100 ms ÷ mean',
        value: bSpread.peakToMean,
        unit: '×',
        better: 'lower',
        goal: { on: 'value', op: '<=', target: 2, text: '≤ 2× the mean rate' },
        note: `${Math.round(bSpread.meanPerS).toLocaleString('en-US')}/s mean, ${Math.round(bSpread.peakPerS).toLocaleString('en-US')}/s peak over ${(bSpread.spanMs / 1000).toFixed(2)} s`,
      });
    } finally {
      await fleet?.call('close', undefined, 30_000).catch(() => {});
      await fleet?.stop();
      await server?.call('close', undefined, 30_000).catch(() => {});
      await server?.stop();
    }
  },
};
