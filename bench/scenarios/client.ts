/**
 * Client: the SDK's dispatch cost vs the naive per-subscriber filter (the same code as
 * `npm run bench:client`), refetches from a burst of 1,000 notifications with and without
 * coalesceNotifications() and from liveResource(), and its size min+gz (the core, and what
 * liveResource() adds) next to socket.io-client, partysocket, centrifuge, @supabase/realtime-js
 * and graphql-ws, all bundled the same way in this run.
 */
import type { Scenario } from '../lib/scenario.ts';
import { measureInBrowser, measureSdkSize } from '../client/run.ts';
import { CORE_BUDGET_BYTES, LIVE_RESOURCE_BUDGET_BYTES, peerSizes } from '../client/size.ts';

export const client: Scenario = {
  name: 'client',
  description: 'SDK dispatch cost, coalescing, bundle size vs peers',
  async run(ctx) {
    const { dispatch, coalesce, liveBurst } = await measureInBrowser({ quick: ctx.quick, coalesce: true, log: ctx.log });
    ctx.rec.add({
      name: 'dispatch_us',
      label: `Dispatch cost per notification, ${dispatch.subscriptions.toLocaleString('en-US')} subscriptions / ${dispatch.collections.toLocaleString('en-US')} collections`,
      value: dispatch.oursUs,
      unit: 'µs',
      better: 'lower',
      baseline: { subject: 'naive filter', value: dispatch.naiveUs },
      goal: { on: 'value', op: '<=', target: 2, text: '≤ 2 µs' },
      note: dispatch.sdk + (dispatch.callbacksOk ? '' : '; callback counts off'),
    });
    ctx.rec.add({
      name: 'dispatch_speedup',
      label: 'Dispatch speed-up over the naive per-subscriber filter',
      value: dispatch.speedup,
      unit: '×',
      better: 'higher',
      goal: { on: 'value', op: '>=', target: 100, text: '≥ 100×' },
    });
    if (coalesce) {
      ctx.rec.add({ name: 'refetches_without_coalescing', label: `Refetches from a burst of ${coalesce.burst}, no coalescing`, value: coalesce.without, unit: '', better: 'lower' });
      ctx.rec.add({
        name: 'refetches_with_coalescing',
        label: `Refetches from a burst of ${coalesce.burst}, coalesceNotifications(${coalesce.windowMs})`,
        value: coalesce.with,
        unit: '',
        better: 'lower',
        baseline: { subject: 'no coalescing', value: coalesce.without },
        goal: { on: 'value', op: '<=', target: 2, text: '≤ 2' },
      });
    }
    if (liveBurst) {
      ctx.rec.add({
        name: 'live_resource_loads_per_burst',
        label: `liveResource() loads from a burst of ${liveBurst.burst}`,
        value: liveBurst.loads,
        unit: '',
        better: 'lower',
        goal: { on: 'value', op: '<=', target: 2, text: '≤ 2' },
        note: 'loader answering in 5 ms; the burst in 10 tasks over ~10 ms',
      });
    }
    const ours = await measureSdkSize(ctx.log);
    const peers = await peerSizes();
    const io = peers.find((p) => p.library === 'socket.io-client');
    ctx.rec.add({
      name: 'size_gzip.changefeed',
      label: 'Bundle size, min+gz',
      // Bytes, not KB: 3,997 B must not print as "4.00 KB" next to a goal of 4 KB.
      value: ours.gzipBytes,
      unit: 'B',
      better: 'lower',
      baseline: io ? { subject: 'socket.io-client', value: io.gzipBytes } : null,
      goal: { on: 'value', op: '<=', target: CORE_BUDGET_BYTES, text: `≤ 4.5 KB (${CORE_BUDGET_BYTES.toLocaleString('en-US')} B)` },
      note: `${ours.imports}, Angular and RxJS external; ${ours.sdk}`,
    });
    ctx.rec.add({
      name: 'size_gzip.live_resource_extra',
      label: 'liveResource() adds, min+gz',
      value: ours.liveResourceExtraBytes,
      unit: 'B',
      better: 'lower',
      goal: { on: 'value', op: '<=', target: LIVE_RESOURCE_BUDGET_BYTES, text: `≤ 1 KB (${LIVE_RESOURCE_BUDGET_BYTES.toLocaleString('en-US')} B)` },
      note: 'the same bundle with liveResource imported too, minus the core',
    });
    ctx.rec.add({
      name: 'size_gzip.event_source_extra',
      label: 'withEventSource() adds, min+gz',
      value: ours.eventSourceExtraBytes,
      unit: 'B',
      better: 'lower',
      note: 'the same bundle with withEventSource imported too (Server-Sent Events, WebSocket fallback), minus the core; the core ships none of it',
    });
    for (const p of peers) {
      ctx.rec.add({ name: `size_gzip.${p.library}`, label: 'Bundle size, min+gz', subject: p.library, value: p.gzipBytes, unit: 'B', better: 'lower', note: p.imports });
    }
  },
};
