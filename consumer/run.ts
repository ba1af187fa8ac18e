/**
 * `npm run test:consumer` (in `npm test`, after the build): the used-by contract. For each Angular
 * version the SDK claims, in a temporary folder outside the repo: a fresh `ng new` app, the
 * tarballs of `npm run pack` installed as a user would, the README's component and app.config.ts
 * written from its marked code blocks, a production build, served by a plain-node server on the
 * packed @changefeed/server and the real Postgres, driven in Chromium (live-page.ts); zoneless, and
 * once with zone.js.
 *
 * Env: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; unreachable → skipped,
 * failed under CI=true), CHANGEFEED_CONSUMER_CACHE (default ~/.cache/changefeed-consumer: the Node
 * 22 binary and one installed app per Angular version), CONSUMER_KEEP=1 keeps the temporary apps,
 * CONSUMER_ANGULAR=22 runs only the versions starting so.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import type pg from 'pg';
import { runTest, type TestResult } from '../e2e/lib/harness';
import { ADMIN_URL, connect } from '../e2e/lib/postgres';
import * as systemChromium from '../tools/chromium.cjs';
import { pack } from '../tools/pack';
import { appTemplate } from './app-template';
import { buildConsumerApp } from './consumer-app';
import { pageStaysLive } from './live-page';
import { nodeRuntime } from './node-runtime';
import { readmeSnippets } from './readme-snippets';
import { runCommand } from './run-command';
import { ServerProcess } from './server-process';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const installedVersion = (name: string): string => require(`${name}/package.json`).version;

/** Every Angular version the SDK's peer range claims, each on a Node.js its CLI supports. */
const TARGETS = [
  { angular: installedVersion('@angular/core'), node: process.versions.node, zone: true },
  { angular: '22.2.6', node: '22.23.3', zone: false },
].filter(({ angular }) => angular.startsWith(process.env['CONSUMER_ANGULAR'] ?? ''));
/** Installed with every app at the versions this repo is tested with. */
const EXTRA_DEPENDENCIES = { pg: installedVersion('pg'), 'zone.js': installedVersion('zone.js') };
/**
 * Every install of the consumer apps resolves as the registry stood on this day (npm's
 * `--before`), so the contract does not change under us when a dependency of a dependency
 * publishes: on 2026-12-03 the newest @inquirer/core (under @angular/cli 22) named an
 * @inquirer/type this registry did not have, and `ng new` failed. It is later than every version
 * pinned here and in the packages' dependencies (Angular 22.2.6: 2026-11-04, ws 8.23.0:
 * 2026-11-12); move it when TARGETS or EXTRA_DEPENDENCIES move past it.
 */
const RESOLVED_AS_OF = '2026-11-20';
/** Their marked code blocks become files of every app: the root README's run, the SDK's are built. */
const READMES = ['README.md', 'projects/angular/README.md'];

const cacheDir =
  process.env['CHANGEFEED_CONSUMER_CACHE'] ?? join(homedir(), '.cache', 'changefeed-consumer');
const runId = `${process.pid}_${Date.now().toString(36)}`;
const started = Date.now();
const results: TestResult[] = [];
const workDir = mkdtempSync(join(tmpdir(), 'changefeed-consumer-'));
let browser: Browser | undefined;
let db: pg.Client | undefined;

const elapsed = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

try {
  results.push(
    await runTest(
      'plain node imports the built @changefeed/server in this workspace',
      async () => {
        // Its import of @changefeed/protocol must reach dist/protocol (projects/protocol/built.mjs).
        const check = `const { createNotifier } = await import('@changefeed/server');
          if (typeof createNotifier !== 'function') throw new Error('no createNotifier');`;
        await runCommand(process.execPath, ['--input-type=module', '--eval', check], {
          cwd: root,
          env: process.env,
        });
      },
      30_000,
    ),
  );
  db = await connect(ADMIN_URL).catch((error: Error) => {
    if (process.env['CI'])
      throw new Error(`Postgres at ${ADMIN_URL} is unreachable under CI=true: ${error.message}`);
    console.log(
      `○ consumer tests skipped: Postgres at ${ADMIN_URL} is unreachable (${error.message})`,
    );
    return undefined;
  });
  if (db) {
    // Packed into the run's own folder, so an `npm run pack` meanwhile cannot pull them away.
    const tarballs = pack(join(workDir, 'packages'));
    const snippets = READMES.flatMap((readme) => readmeSnippets(join(root, readme)));
    browser = await chromium.launch({
      executablePath: systemChromium.executablePath,
      args: [...systemChromium.flags],
    });
    // Every version's template is made (or found) at once, so that with a cold cache the next
    // version's ng new and npm install overlap this one's build and browser run.
    const prepared = TARGETS.map((target) => {
      const runtime = nodeRuntime(target.node, cacheDir);
      const template = appTemplate({
        angular: target.angular,
        runtime,
        extraDependencies: EXTRA_DEPENDENCIES,
        resolvedAsOf: RESOLVED_AS_OF,
        cacheDir,
      });
      template.catch(() => {}); // reported by that version's test, which awaits it
      return { ...target, runtime, template };
    });
    for (const [index, { template: templateReady, runtime, ...target }] of prepared.entries()) {
      const label = `Angular ${target.angular} on Node ${target.node}`;
      const table = `consumer_forums_${runId}_${index}`;
      const builds: Record<string, string> = {};
      const appDir = join(workDir, `angular-${target.angular}`);
      results.push(
        await runTest(
          `${label}: fresh app with the packed SDK and the README's code builds for production`,
          async () => {
            let since = Date.now();
            const template = await templateReady;
            console.log(
              `  app template ${template.made ? 'made' : 'reused'} (waited ${elapsed(since)})`,
            );
            since = Date.now();
            Object.assign(
              builds,
              await buildConsumerApp({
                template: template.dir,
                dir: appDir,
                runtime,
                tarballs,
                resolvedAsOf: RESOLVED_AS_OF,
                snippets,
                zone: target.zone,
              }),
            );
            console.log(`  tarballs installed, README code written, built (${elapsed(since)})`);
          },
          600_000,
        ),
      );
      for (const [build, staticDir] of Object.entries(builds)) {
        results.push(
          await runTest(
            `${label}, ${build}: a row inserted with SQL appears, and again after the server is killed and restarted`,
            async () => {
              await db!.query(`create table ${table} (id serial primary key, name text not null)`);
              const server = new ServerProcess({
                appDir,
                staticDir,
                runtime,
                databaseUrl: ADMIN_URL,
                table,
                channel: table,
              });
              try {
                await server.start();
                await pageStaysLive({
                  browser: browser!,
                  server,
                  db: db!,
                  table,
                  zone: build === 'zone',
                });
              } catch (error) {
                console.log(`  server output:\n${server.log.replace(/^/gm, '    | ')}`);
                throw error;
              } finally {
                await server.kill();
                await dropTableAndTrigger(db!, table);
              }
            },
            120_000,
          ),
        );
      }
    }
  }
} catch (error) {
  console.log(
    `✘ consumer setup failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  results.push({ name: 'setup', status: 'failed', ms: 0, error });
} finally {
  await browser?.close().catch(() => {});
  await db?.end().catch(() => {});
  if (process.env['CONSUMER_KEEP']) console.log(`consumer apps kept in ${workDir}`);
  // Some 300 MB per app: removed in the background, after this process has reported.
  else spawn('rm', ['-rf', workDir], { detached: true, stdio: 'ignore' }).unref();
}

/** The table and the trigger function the server installed on it (its name read off pg_trigger). */
async function dropTableAndTrigger(client: pg.Client, table: string): Promise<void> {
  const { rows } = await client.query<{ fn: string }>(
    'select tgfoid::regproc::text as fn from pg_trigger where tgrelid = to_regclass($1) and not tgisinternal',
    [table],
  );
  await client.query(`drop table if exists ${table}`);
  for (const { fn } of rows) await client.query(`drop function if exists ${fn}()`);
}

const failed = results.filter((r) => r.status === 'failed').length;
console.log(
  `\nconsumer: ${results.length - failed} passed, ${failed} failed (${elapsed(started)})`,
);
process.exit(failed > 0 ? 1 : 0);
