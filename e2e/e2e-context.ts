import type { Browser } from 'playwright-core';
import type { DemoProcess } from './lib/demo-process';

/** What every e2e test gets from the runner. */
export interface E2eContext {
  browser: Browser;
  /** demo-api on embedded PGlite in a temp folder (so a restart keeps the data). */
  demo: DemoProcess;
  /** The temp folder of that PGlite database. */
  dataDir: string;
}
