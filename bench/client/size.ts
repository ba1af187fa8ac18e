/**
 * Bundle size, min+gz, every library bundled the same way: an entry file with one import of the
 * library's main API, esbuild (bundle, minify, ESM, browser platform, tree-shaking), gzip -9.
 * For @changefeed/angular, Angular and RxJS are external (an Angular app has them anyway) and
 * the input is the Angular Package Format build run through Angular's linker — what an Angular
 * CLI production build puts in an app. @changefeed/protocol is bundled in: it ships with the SDK.
 */
import { build, type Plugin } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, sdkResolvePlugin, type SdkBuild } from './sdk.ts';
import { withoutUnusedImports } from '../lib/without-unused-imports.ts';

export interface SizeEntry {
  library: string;
  /** The import the entry file makes. */
  imports: string;
  minBytes: number;
  gzipBytes: number;
}

/** What "one main import" means for each library: what an app imports to get going. */
export const PEER_IMPORTS: { library: string; names: string[]; from: string }[] = [
  { library: 'socket.io-client', names: ['io'], from: 'socket.io-client' },
  { library: 'partysocket', names: ['PartySocket'], from: 'partysocket' },
  { library: 'centrifuge', names: ['Centrifuge'], from: 'centrifuge' },
  { library: '@supabase/realtime-js', names: ['RealtimeClient'], from: '@supabase/realtime-js' },
  { library: 'graphql-ws', names: ['createClient'], from: 'graphql-ws' },
];

export const OUR_IMPORT = { library: '@changefeed/angular', names: ['provideNotifications', 'NotificationService'], from: '@changefeed/angular' };
/** The core plus liveResource(): what it adds is the difference between the two bundles. */
export const LIVE_RESOURCE_IMPORT = { ...OUR_IMPORT, names: [...OUR_IMPORT.names, 'liveResource'] };
/** The core plus withEventSource() (Server-Sent Events and the WebSocket fallback): reported, not budgeted. */
export const EVENT_SOURCE_IMPORT = { ...OUR_IMPORT, names: [...OUR_IMPORT.names, 'withEventSource'] };

/** Issue 11's budgets, min+gz: the core an app imports, and what liveResource() adds to it. */
export const CORE_BUDGET_BYTES = 4608;
export const LIVE_RESOURCE_BUDGET_BYTES = 1024;

const ANGULAR_AND_RXJS = ['@angular/*', 'rxjs', 'rxjs/*'];

export async function bundleSize(
  spec: { library: string; names: string[]; from: string },
  opts: { external?: string[]; plugins?: Plugin[]; define?: Record<string, string> } = {},
): Promise<SizeEntry> {
  const dir = mkdtempSync(join(tmpdir(), 'cf-size-'));
  try {
    const entry = join(dir, 'entry.mjs');
    // Keep the imports alive without adding code of our own beyond one assignment.
    writeFileSync(entry, `import { ${spec.names.join(', ')} } from '${spec.from}';\nglobalThis.__keep = [${spec.names.join(', ')}];\n`);
    const out = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      legalComments: 'none',
      absWorkingDir: repoRoot,
      nodePaths: [join(repoRoot, 'node_modules')],
      external: opts.external,
      plugins: opts.plugins,
      define: opts.define,
      logLevel: 'silent',
    });
    // Externals are imported by name; a bundle that includes them (an app's) keeps none of those
    // names a module does not use, so neither does the measurement.
    const code = opts.external ? Buffer.from(withoutUnusedImports(out.outputFiles[0].text)) : out.outputFiles[0].contents;
    return { library: spec.library, imports: `import { ${spec.names.join(', ')} } from '${spec.from}'`, minBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function sdkSize(sdk: SdkBuild, spec = OUR_IMPORT): Promise<SizeEntry> {
  // tslib is external too: Angular apps carry it, and Angular's own packages import it.
  // As an Angular CLI production build defines them: dev-mode-only checks and messages drop out.
  const define: Record<string, string> = { ngDevMode: 'false', ...(sdk.kind === 'apf' ? { ngJitMode: 'false' } : {}) };
  return bundleSize(spec, { external: ANGULAR_AND_RXJS, plugins: [sdkResolvePlugin(sdk)], define });
}

export async function peerSizes(): Promise<SizeEntry[]> {
  const out: SizeEntry[] = [];
  for (const spec of PEER_IMPORTS) out.push(await bundleSize(spec));
  return out;
}
