import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeRuntime } from './node-runtime';
import type { Snippet } from './readme-snippets';
import { npmInstall, runCommand, runNg } from './run-command';

const here = dirname(fileURLToPath(import.meta.url));
/** Files the test adds to the fresh app: the root component showing the README's, the zone.js entry. */
const APP_FILES = join(here, 'app');
/** The server, copied into the app so that it imports the packages installed there. */
export const SERVER_FILE = 'consumer-server.mjs';

/** The built app's folder the server serves, per build: `zoneless`, and `zone` when asked for. */
export type ConsumerBuilds = Partial<Record<'zoneless' | 'zone', string>>;

/**
 * Makes a consumer app in `dir` from `template`: copies it, installs the tarballs into it as a
 * user would (`npm install <tarballs>`), writes the README snippets where they say, and builds it
 * for production: zoneless, and with zone.js too when `zone` is set.
 */
export async function buildConsumerApp(options: {
  template: string;
  dir: string;
  runtime: NodeRuntime;
  tarballs: string[];
  /** Installs resolve as the registry stood on this day (npm's `--before`). */
  resolvedAsOf: string;
  snippets: Snippet[];
  zone: boolean;
}): Promise<ConsumerBuilds> {
  const { template, dir, runtime, tarballs, resolvedAsOf, snippets, zone } = options;
  // cp keeps node_modules/.bin's links and is several times faster than fs.cpSync here.
  await runCommand('cp', ['-a', template, dir], { cwd: dirname(dir), env: runtime.env });
  await npmInstall(dir, runtime, resolvedAsOf, tarballs);
  cpSync(APP_FILES, dir, { recursive: true });
  cpSync(join(here, 'serve.mjs'), join(dir, SERVER_FILE));
  for (const { target, code } of snippets) {
    const file = resolve(dir, target);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, code);
  }
  if (zone) addZoneConfiguration(dir);
  await runNg(dir, runtime, 'build');
  if (zone) await runNg(dir, runtime, 'build', '--configuration', 'production,zone');
  return zone
    ? { zoneless: join(dir, 'dist/app/browser'), zone: join(dir, 'dist/zone/browser') }
    : { zoneless: join(dir, 'dist/app/browser') };
}

/** angular.json: a `zone` build configuration, bootstrapping main.zone.ts with the zone.js polyfill. */
function addZoneConfiguration(dir: string): void {
  const path = join(dir, 'angular.json');
  const workspace = JSON.parse(readFileSync(path, 'utf8'));
  workspace.projects.app.architect.build.configurations.zone = {
    browser: 'src/main.zone.ts',
    polyfills: ['zone.js'],
    outputPath: 'dist/zone',
  };
  writeFileSync(path, JSON.stringify(workspace, null, 2) + '\n');
}
