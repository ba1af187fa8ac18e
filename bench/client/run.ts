/**
 * `npm run bench:client` — the SDK in headless Chromium (issue 2, item 8):
 *  - per-notification dispatch cost with 10,000 subscriptions over 1,000 collections, through
 *    NotificationService.filterByCollection vs the naive pattern (every subscriber filters one
 *    shared Subject) — goal ≤ 2 µs and ≥ 100× faster;
 *  - the SDK's size in a production app, min+gz, excluding Angular and RxJS — goal ≤ 4.5 KB
 *    (4,608 B) for provideNotifications + NotificationService, ≤ 1 KB (1,024 B) more with liveResource().
 * `npm run bench -- client` runs the same functions and adds coalescing and the peers' sizes.
 */
import { openBenchPage } from './browser.ts';
import { ensureSdkBuild } from './sdk.ts';
import { CORE_BUDGET_BYTES, EVENT_SOURCE_IMPORT, LIVE_RESOURCE_BUDGET_BYTES, LIVE_RESOURCE_IMPORT, sdkSize, type SizeEntry } from './size.ts';

export interface DispatchFigures {
  oursUs: number;
  naiveUs: number;
  speedup: number;
  subscriptions: number;
  collections: number;
  callbacksOk: boolean;
  sdk: string;
}

export interface LiveBurstFigures {
  burst: number;
  /** Loads the burst caused, after the first load. */
  loads: number;
}

export interface CoalesceFigures {
  burst: number;
  windowMs: number;
  without: number;
  with: number;
}

/** Dispatch (and optionally coalescing) in one Chromium session. */
export async function measureInBrowser(opts: { quick?: boolean; coalesce?: boolean; log?: (m: string) => void } = {}): Promise<{ dispatch: DispatchFigures; coalesce?: CoalesceFigures; liveBurst?: LiveBurstFigures }> {
  const b = await openBenchPage({ log: opts.log });
  try {
    const rounds = opts.quick ? 7 : 15;
    const d = await b.page.evaluate((r) => (window as any).cfBench.dispatch({ rounds: r }), rounds);
    const dispatch: DispatchFigures = {
      oursUs: d.oursUs,
      naiveUs: d.naiveUs,
      speedup: d.naiveUs / d.oursUs,
      subscriptions: d.subscriptions,
      collections: d.collections,
      // Every subscriber of a collection got each of its notifications exactly once.
      callbacksOk: Math.abs(d.callbacks.ours - 1) < 1e-9 && Math.abs(d.callbacks.naive - 1) < 1e-9,
      sdk: b.sdk.note,
    };
    const coalesce = opts.coalesce ? ((await b.page.evaluate(() => (window as any).cfBench.coalesce({ burst: 1000 }))) as CoalesceFigures) : undefined;
    const liveBurst = opts.coalesce ? ((await b.page.evaluate(() => (window as any).cfBench.liveBurst({ burst: 1000 }))) as LiveBurstFigures) : undefined;
    return { dispatch, coalesce, liveBurst };
  } finally {
    await b.close();
  }
}

export async function measureSdkSize(log?: (m: string) => void): Promise<SizeEntry & { sdk: string; liveResourceExtraBytes: number; eventSourceExtraBytes: number }> {
  const sdk = ensureSdkBuild(log);
  const core = await sdkSize(sdk);
  const withLiveResource = await sdkSize(sdk, LIVE_RESOURCE_IMPORT);
  const withEventSource = await sdkSize(sdk, EVENT_SOURCE_IMPORT);
  return {
    ...core,
    sdk: sdk.note,
    liveResourceExtraBytes: withLiveResource.gzipBytes - core.gzipBytes,
    eventSourceExtraBytes: withEventSource.gzipBytes - core.gzipBytes,
  };
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('bench/client/run.ts');
if (isMain) {
  const quick = process.argv.includes('--quick');
  const log = (m: string) => console.log(`bench:client: ${m}`);
  const size = await measureSdkSize(log);
  const { dispatch } = await measureInBrowser({ quick, log });
  const fits = (bytes: number, budget: number) => `goal ≤ ${budget.toLocaleString('en-US')} B: ${bytes <= budget ? 'holds' : 'MISSED'}`;
  console.log(`\n@changefeed/angular in headless Chromium (${dispatch.sdk}), ${dispatch.subscriptions.toLocaleString('en-US')} subscriptions over ${dispatch.collections.toLocaleString('en-US')} collections:`);
  console.log(`  dispatch cost per notification: ${dispatch.oursUs.toFixed(3)} µs (naive per-subscriber filter: ${dispatch.naiveUs.toFixed(1)} µs) → ${dispatch.speedup.toFixed(0)}× faster` +
    `   goal ≤ 2 µs: ${dispatch.oursUs <= 2 ? 'holds' : 'MISSED'}; ≥ 100×: ${dispatch.speedup >= 100 ? 'holds' : 'MISSED'}` + (dispatch.callbacksOk ? '' : '  (WARNING: callback counts off)'));
  console.log(`  SDK size, min+gz, Angular and RxJS excluded: ${size.gzipBytes} B gzip (${size.minBytes} B min; ${size.imports})   ${fits(size.gzipBytes, CORE_BUDGET_BYTES)}`);
  console.log(`  liveResource() adds: ${size.liveResourceExtraBytes} B gzip   ${fits(size.liveResourceExtraBytes, LIVE_RESOURCE_BUDGET_BYTES)}`);
  console.log(`  withEventSource() adds: ${size.eventSourceExtraBytes} B gzip (Server-Sent Events and the WebSocket fallback; the core above does not ship it)`);
}
