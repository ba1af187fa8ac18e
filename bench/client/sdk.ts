/**
 * Getting the real SDK into a browser page (and into the size measurement).
 *
 * Preferred: the Angular Package Format build — what `npm run build` leaves in dist/angular and
 * npm ships — run through Angular's linker, as an Angular CLI app build does: AOT code, no
 * compiler at run time. When dist/angular is missing or older than the sources, the bench
 * builds the same thing itself with ng-packagr into node_modules/.cache/changefeed-bench. If
 * that fails too, the SDK source is bundled and `@angular/compiler` loaded for JIT. Every
 * figure says which one ran. CF_BENCH_SDK=source forces the last.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const APF_ENTRY = join(repoRoot, 'dist/angular/fesm2022/changefeed-angular.mjs');
const SDK_SRC = join(repoRoot, 'projects/angular/src');
const SDK_ENTRY = join(SDK_SRC, 'public-api.ts');
const PROTOCOL_ENTRY = join(repoRoot, 'projects/protocol/src/public-api.ts');

export interface SdkBuild {
  kind: 'apf' | 'source';
  entry: string;
  note: string;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (!e.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export function sdkSourceExists(): boolean {
  return existsSync(SDK_ENTRY);
}

/** True when the SDK source exports the symbols a bench needs. */
export function sdkExports(...names: string[]): boolean {
  if (!existsSync(SDK_ENTRY)) return false;
  const api = readFileSync(SDK_ENTRY, 'utf8');
  return names.every((n) => new RegExp(`\\b${n}\\b`).test(api));
}

let cached: SdkBuild | undefined;

/** Private APF builds, so the bench neither needs nor touches dist/. */
const CACHE = join(repoRoot, 'node_modules/.cache/changefeed-bench');
const CACHED_ENTRY = join(CACHE, 'angular/out/fesm2022/changefeed-angular.mjs');

/**
 * ng-packagr, as `ng build` runs it, with the SDK's own tsconfig, but @changefeed/protocol
 * resolved to its built package (the workspace maps it to source, which ng-packagr refuses
 * outside the library's rootDir) and the output in the cache.
 */
function buildApfIntoCache(): void {
  const script = `
    import { ngPackagr } from ${JSON.stringify(join(repoRoot, 'node_modules/ng-packagr/src/public_api.js'))};
    import { mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
    const root = ${JSON.stringify(repoRoot)}, cache = ${JSON.stringify(CACHE)};
    for (const lib of ['protocol', 'angular']) {
      const dir = cache + '/' + lib;
      mkdirSync(dir, { recursive: true });
      copyFileSync(root + '/projects/' + lib + '/package.json', dir + '/package.json');
      writeFileSync(dir + '/ng-package.json', JSON.stringify({ dest: 'out', allowedNonPeerDependencies: ['@changefeed/protocol'], lib: { entryFile: root + '/projects/' + lib + '/src/public-api.ts' } }));
      writeFileSync(dir + '/tsconfig.json', JSON.stringify({
        extends: root + '/projects/' + lib + '/tsconfig.lib.prod.json',
        compilerOptions: { paths: { '@changefeed/protocol': [cache + '/protocol/out'] } },
      }));
      await ngPackagr().forProject(dir + '/ng-package.json').withTsConfig(dir + '/tsconfig.json').build();
    }
  `;
  execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: CACHE_PARENT(), stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
}

function CACHE_PARENT(): string {
  mkdirSync(CACHE, { recursive: true });
  return CACHE;
}

export function ensureSdkBuild(log: (m: string) => void = console.log): SdkBuild {
  if (cached) return cached;
  const sources = Math.max(newestMtime(SDK_SRC), newestMtime(dirname(PROTOCOL_ENTRY)));
  const freshAt = (file: string) => existsSync(file) && statSync(file).mtimeMs >= sources;
  if (process.env['CF_BENCH_SDK'] === 'source') {
    cached = { kind: 'source', entry: SDK_ENTRY, note: 'SDK source, JIT (@angular/compiler)' };
  } else if (freshAt(APF_ENTRY)) {
    cached = { kind: 'apf', entry: APF_ENTRY, note: 'APF build from dist/angular, linked (AOT)' };
  } else {
    if (!freshAt(CACHED_ENTRY)) {
      log('building the SDK in Angular Package Format (ng-packagr) …');
      try {
        buildApfIntoCache();
      } catch (e: any) {
        const text = String(e.stderr ?? '') + String(e.stdout ?? '') + String(e.message ?? '');
        // eslint-disable-next-line no-control-regex
        const firstError = text.replace(/\x1b\[[0-9;]*m/g, '').split('\n').find((l) => /error/i.test(l)) ?? 'unknown error';
        log(`the APF build failed, so the SDK source is bundled with JIT instead (${firstError.trim().slice(0, 200)})`);
      }
    }
    cached = freshAt(CACHED_ENTRY)
      ? { kind: 'apf', entry: CACHED_ENTRY, note: 'APF build (ng-packagr, partial compilation), linked (AOT)' }
      : { kind: 'source', entry: SDK_ENTRY, note: 'SDK source, JIT (@angular/compiler)' };
  }
  return cached;
}

/**
 * Resolves @changefeed/angular to the chosen build and @changefeed/protocol to its source (it
 * has no Angular code), and runs Angular's linker over partially compiled Angular code — the
 * SDK's APF build and Angular's own packages — as the Angular CLI does.
 */
export function sdkResolvePlugin(sdk: SdkBuild): Plugin {
  return {
    name: 'changefeed-sdk',
    setup(b) {
      b.onResolve({ filter: /^@changefeed\/angular$/ }, () => ({ path: sdk.entry }));
      b.onResolve({ filter: /^@changefeed\/protocol$/ }, () => ({ path: PROTOCOL_ENTRY }));
      if (sdk.kind !== 'apf') return;
      b.onLoad({ filter: /\.mjs$/ }, async (args) => {
        const code = readFileSync(args.path, 'utf8');
        if (!code.includes('ɵɵngDeclare')) return undefined;
        const { transformAsync } = await import('@babel/core');
        const { createEs2015LinkerPlugin } = await import('@angular/compiler-cli/linker/babel');
        const { ConsoleLogger, LogLevel, NodeJSFileSystem } = await import('@angular/compiler-cli');
        const linker = createEs2015LinkerPlugin({ fileSystem: new NodeJSFileSystem(), logger: new ConsoleLogger(LogLevel.warn), linkerJitMode: false });
        const out = await transformAsync(code, { filename: args.path, compact: false, configFile: false, babelrc: false, sourceMaps: false, plugins: [linker] });
        return { contents: out!.code!, loader: 'js' };
      });
    },
  };
}
