import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeRuntime } from './node-runtime';
import { npmInstall, runCommand, runNg } from './run-command';

/** What `ng new` is asked for: no SSR, no git, no install yet (the versions are pinned first). */
const NG_NEW = [
  '--defaults',
  '--skip-git',
  '--skip-install',
  '--ssr=false',
  '--style=css',
  '--interactive=false',
];
/** ng new's unit-test runner and its DOM: the consumer test builds and runs the app, never its specs. */
const UNUSED_DEV_DEPENDENCIES = ['vitest', 'jsdom'];

export interface TemplateRequest {
  angular: string;
  runtime: NodeRuntime;
  /** Installed with the app: exact versions (pg for the server, zone.js for the zone build). */
  extraDependencies: Record<string, string>;
  /** Installs resolve as the registry stood on this day (npm's `--before`). */
  resolvedAsOf: string;
  cacheDir: string;
}

/**
 * A fresh app made by `ng new` of the Angular CLI `angular` on `runtime`, every @angular package
 * pinned to exactly that version, installed and built once (so that its .angular/cache spares
 * every copy's build about half its time). Made once per recipe and kept in `cacheDir`; each run
 * copies it, so two runs never share an app.
 */
export async function appTemplate(
  request: TemplateRequest,
): Promise<{ dir: string; made: boolean }> {
  const { angular, runtime, extraDependencies, resolvedAsOf, cacheDir } = request;
  // This file is part of the recipe: change how templates are made, and they are made again.
  const maker = readFileSync(fileURLToPath(import.meta.url), 'utf8');
  const key = createHash('sha256')
    .update(JSON.stringify({ extraDependencies, resolvedAsOf, maker }))
    .digest('hex')
    .slice(0, 12);
  mkdirSync(cacheDir, { recursive: true });
  const prefix = `angular-${angular}-node-${runtime.version}-`;
  const dir = join(cacheDir, prefix + key);
  if (existsSync(dir)) return { dir, made: false };
  // Older recipes of this version go; `.partial-<pid>` folders are other runs at work.
  for (const name of readdirSync(cacheDir))
    if (name.startsWith(prefix) && !name.includes('.partial-'))
      rmSync(join(cacheDir, name), { recursive: true, force: true });

  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const app = join(partial, 'app');
  await runCommand(
    'npm',
    [
      'exec',
      '--yes',
      `--before=${resolvedAsOf}`,
      `--package=@angular/cli@${angular}`,
      '--',
      'ng',
      'new',
      'app',
      ...NG_NEW,
    ],
    { cwd: partial, env: { ...runtime.env, NG_CLI_ANALYTICS: 'false' } },
  );
  const manifestPath = join(app, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  for (const field of ['dependencies', 'devDependencies'])
    for (const name of Object.keys(manifest[field]))
      if (name.startsWith('@angular/')) manifest[field][name] = angular;
  for (const name of UNUSED_DEV_DEPENDENCIES) delete manifest.devDependencies[name];
  Object.assign(manifest.dependencies, extraDependencies);
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  await npmInstall(app, runtime, resolvedAsOf);
  await runNg(app, runtime, 'build');
  rmSync(join(app, 'dist'), { recursive: true });
  try {
    renameSync(app, dir);
  } catch (error) {
    if (!existsSync(dir)) throw error; // else a concurrent run made the same template first
  }
  rmSync(partial, { recursive: true, force: true });
  return { dir, made: true };
}
