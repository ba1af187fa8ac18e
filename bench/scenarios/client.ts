/**
 * Client: the SDK's dispatch cost vs the naive per-subscriber filter (the same code as
 * `npm run bench:client`), refetches from a burst of 1,000 notifications with and without
 * coalesceNotifications(), and its size min+gz next to socket.io-client, partysocket,
 * centrifuge, @supabase/realtime-js and graphql-ws, all bundled the same way in this run.
 */
import type { Scenario } from '../lib/scenario.ts';
import { measureInBrowser, measureSdkSize } from '../client/run.ts';
import { peerSizes } from '../client/size.ts';

export const client: Scenario = {
  name: 'client',
  description: 'SDK dispatch cost, coalescing, bundle size vs peers',
  async run(ctx) {
    const { dispatch, coalesce } = await measureInBrowser({ quick: ctx.quick, coalesce: true, log: ctx.log });
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
      goal: { on: 'value', op: '<=', target: 4000, text: '≤ 4 KB (4,000 B)' },
      note: `${ours.imports}, Angular and RxJS external; ${ours.sdk}`,
    });
    for (const p of peers) {
      ctx.rec.add({ name: `size_gzip.${p.library}`, label: 'Bundle size, min+gz', subject: p.library, value: p.gzipBytes, unit: 'B', better: 'lower', note: p.imports });
    }
  },
};
