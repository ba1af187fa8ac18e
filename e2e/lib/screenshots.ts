import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Browser } from 'playwright-core';
import type { DemoPage } from './demo-page';
import { ROOT } from './demo-process';

/**
 * Where screenshots go: docs/screenshots (the README's pictures) with `npm run screenshots`, a
 * temp folder otherwise, so that `npm test` still takes them but leaves the work tree clean.
 */
export const SCREENSHOTS = process.env['E2E_SCREENSHOTS'] === 'docs'
  ? join(ROOT, 'docs/screenshots')
  : join(tmpdir(), 'changefeed-e2e-screenshots');

function saved(file: string): void {
  const path = join(SCREENSHOTS, file);
  console.log(`  screenshot ${path.startsWith(ROOT) ? relative(ROOT, path) : path}`);
}

/** Saves one page as <SCREENSHOTS>/<file>. */
export async function screenshot(page: DemoPage, file: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.page.screenshot({ path: join(SCREENSHOTS, file) });
  saved(file);
}

/** Saves two windows side by side, as a person would arrange them, as <SCREENSHOTS>/<file>. */
export async function screenshotSideBySide(
  browser: Browser,
  left: DemoPage,
  right: DemoPage,
  file: string,
): Promise<void> {
  const [a, b] = await Promise.all([left.page.screenshot(), right.page.screenshot()]);
  const context = await browser.newContext({
    viewport: { width: 1600, height: 560 },
    deviceScaleFactor: 1,
  });
  try {
    const page = await context.newPage();
    const img = (png: Buffer, label: string) =>
      `<figure><figcaption>${label}</figcaption><img src="data:image/png;base64,${png.toString('base64')}"></figure>`;
    await page.setContent(`<!doctype html><style>
      body{margin:0;padding:16px;background:#2b3036;display:flex;gap:16px;font:14px system-ui;color:#e6edf3}
      figure{margin:0;flex:1;min-width:0} figcaption{margin-bottom:6px}
      img{width:100%;border-radius:8px;box-shadow:0 4px 16px rgb(0 0 0/.4)}</style>
      ${img(a, `Window 1 — ${left.name}`)}${img(b, `Window 2 — ${right.name}`)}`);
    await page.waitForFunction(() => [...document.images].every((i) => i.complete));
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, file), fullPage: true });
    saved(file);
  } finally {
    await context.close();
  }
}
