/**
 * `npm run bench:client` — the SDK in headless Chromium (issue 2, item 8):
 *  - per-notification dispatch cost with 10,000 subscriptions over 1,000 collections, through
 *    NotificationService.filterByCollection vs the naive pattern (every subscriber filters one
 *    shared Subject) — goal ≤ 2 µs and ≥ 100× faster;
 *  - the SDK's size in a production app, min+gz, excluding Angular and RxJS — goal ≤ 4 KB.
 * `npm run bench -- client` runs the same functions and adds coalescing and the peers' sizes.
 */
import { openBenchPage } from './browser.ts';
import { ensureSdkBuild } from './sdk.ts';
import { sdkSize, type SizeEntry } from './size.ts';

export interface DispatchFigures {
  oursUs: number;
  naiveUs: number;
  speedup: number;
  subscriptions: number;
  collections: number;
  callbacksOk: boolean;
  sdk: string;
}

export interface CoalesceFigures {
  burst: number;
  windowMs: number;
  without: number;
  with: number;
}

/** Dispatch (and optionally coalescing) in one Chromium session. */
export async function measureInBrowser(opts: { quick?: boolean; coalesce?: boolean; log?: (m: string) => void } = {}): Promise<{ dispatch: DispatchFigures; coalesce?: CoalesceFigures }> {
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
    return { dispatch, coalesce };
  } finally {
    await b.close();
  }
}

export async function measureSdkSize(log?: (m: string) => void): Promise<SizeEntry & { sdk: string }> {
  const sdk = ensureSdkBuild(log);
  return { ...(await sdkSize(sdk)), sdk: sdk.note };
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('bench/client/run.ts');
if (isMain) {
  const quick = process.argv.includes('--quick');
  const log = (m: string) => console.log(`bench:client: ${m}`);
  const size = await measureSdkSize(log);
  const { dispatch } = await measureInBrowser({ quick, log });
  const kb = size.gzipBytes / 1000;
  console.log(`\n@changefeed/angular in headless Chromium (${dispatch.sdk}), ${dispatch.subscriptions.toLocaleString('en-US')} subscriptions over ${dispatch.collections.toLocaleString('en-US')} collections:`);
  console.log(`  dispatch cost per notification: ${dispatch.oursUs.toFixed(3)} µs (naive per-subscriber filter: ${dispatch.naiveUs.toFixed(1)} µs) → ${dispatch.speedup.toFixed(0)}× faster` +
    `   goal ≤ 2 µs: ${dispatch.oursUs <= 2 ? 'holds' : 'MISSED'}; ≥ 100×: ${dispatch.speedup >= 100 ? 'holds' : 'MISSED'}` + (dispatch.callbacksOk ? '' : '  (WARNING: callback counts off)'));
  console.log(`  SDK size, min+gz, Angular and RxJS excluded: ${kb.toFixed(3)} KB (${size.gzipBytes} B gzip, ${size.minBytes} B min; ${size.imports})   goal ≤ 4 KB: ${kb <= 4 ? 'holds' : 'MISSED'}`);
}
