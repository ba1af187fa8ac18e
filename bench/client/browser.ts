/**
 * Headless Chromium with the bench page (page/page.ts bundled with the real SDK) loaded.
 * playwright-core drives the system Chromium; no browser is downloaded.
 */
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import * as systemChromium from '../../tools/chromium.cjs';
import { join } from 'node:path';
import { ensureSdkBuild, repoRoot, sdkResolvePlugin, type SdkBuild } from './sdk.ts';


export async function bundlePage(sdk: SdkBuild): Promise<string> {
  const page = join(repoRoot, 'bench/client/page/page.ts');
  const out = await build({
    stdin: {
      // JIT needs the compiler loaded before any decorated class is defined.
      contents: `${sdk.kind === 'source' ? "import '@angular/compiler';\n" : ''}import ${JSON.stringify(page)};\n`,
      resolveDir: repoRoot,
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    absWorkingDir: repoRoot,
    // As an Angular CLI production build: no dev-mode checks; AOT when the APF build is used.
    define: { ngDevMode: 'false', ...(sdk.kind === 'apf' ? { ngJitMode: 'false' } : {}) },
    plugins: [sdkResolvePlugin(sdk)],
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}

export interface BenchBrowser {
  browser: Browser;
  page: Page;
  sdk: SdkBuild;
  close(): Promise<void>;
}

/** Launches Chromium and loads the bench page at `origin` (an http origin we serve) or about:blank. */
export async function openBenchPage(opts: { log?: (m: string) => void; url?: string } = {}): Promise<BenchBrowser> {
  const sdk = ensureSdkBuild(opts.log);
  const script = await bundlePage(sdk);
  const browser = await chromium.launch({ executablePath: systemChromium.executablePath, headless: true, args: [...systemChromium.flags] });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    if (opts.url) await page.goto(opts.url);
    else await page.setContent('<!doctype html><title>changefeed bench</title>');
    await page.addScriptTag({ content: script });
    const ok = await page.evaluate(() => typeof (window as any).cfBench === 'object');
    if (!ok) throw new Error(`bench page did not load: ${errors.join('; ') || 'cfBench missing'}`);
    return { browser, page, sdk, close: () => browser.close() };
  } catch (e) {
    await browser.close();
    throw e;
  }
}
