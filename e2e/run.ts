/**
 * `npm run test:e2e`: builds the demo if needed, starts demo-api (PGlite in a temp folder) as a
 * child process, drives two Chromium windows with playwright-core and prints a summary.
 * Env: E2E_VERBOSE=1 shows demo-api's output, E2E_REBUILD=1 forces the build,
 * TEST_DATABASE_URL the Postgres for the SQL test (default postgres://postgres@127.0.0.1:5432/test).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import * as systemChromium from '../tools/chromium.cjs';
import { burstIsCoalesced } from './burst.e2e';
import type { E2eContext } from './e2e-context';
import { forumDetailFollowsItsRow } from './forum-detail.e2e';
import { buildDemoIfStale } from './lib/build-demo';
import { DemoProcess } from './lib/demo-process';
import { freePort } from './lib/free-port';
import { runTest, summarise, type TestResult } from './lib/harness';
import { restartConverges } from './restart.e2e';
import { sqlWriteReachesBothPages } from './sql-write.e2e';
import { sseStaysInSync } from './sse.e2e';
import { twoPagesStayInSync } from './sync.e2e';

const TESTS: [string, (context: E2eContext) => Promise<void>][] = [
  ['two pages: create, rename, move and delete in one show up in the other', twoPagesStayInSync],
  [
    'the forum detail panel (liveResource) follows its row to "deleted" in another window',
    forumDetailFollowsItsRow,
  ],
  ['a write made directly in SQL shows up in both pages', sqlWriteReachesBothPages],
  ['a page on Server-Sent Events and one on WebSocket stay in sync', sseStaysInSync],
  ['the burst: each page refetches each list at most 3 times', burstIsCoalesced],
  ['restarting demo-api: reconnecting → open, both pages converge', restartConverges],
];

const started = Date.now();
const results: TestResult[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'changefeed-e2e-'));
let browser: Browser | undefined;
let demo: DemoProcess | undefined;
try {
  buildDemoIfStale();
  demo = new DemoProcess(await freePort(), { DEMO_DATA_DIR: dataDir, DEMO_SEED: '1' });
  await demo.start();
  browser = await chromium.launch({
    executablePath: systemChromium.executablePath,
    args: [...systemChromium.flags],
  });
  const context: E2eContext = { browser, demo, dataDir };
  for (const [name, test] of TESTS) {
    const result = await runTest(name, () => test(context), 90_000);
    results.push(result);
    if (result.status === 'failed')
      console.log(`  demo-api output:\n${demo.log.replace(/^/gm, '    | ')}`);
  }
} catch (error) {
  console.log(
    `✘ e2e setup failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  results.push({ name: 'setup', status: 'failed', ms: 0, error });
} finally {
  await browser?.close().catch(() => {});
  await demo?.stop().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exit(summarise(results));
