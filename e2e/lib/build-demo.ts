import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './demo-process';

const OUTPUT = join(ROOT, 'dist/demo/browser/index.html');
/** What the demo bundle is built from. */
const INPUTS = [
  'projects/demo/src',
  'projects/demo/public',
  'projects/angular/src',
  'projects/protocol/src',
  'angular.json',
  'tsconfig.json',
];

function newestMtime(path: string): number {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Builds the demo app unless dist/demo is newer than every source it is built from. */
export function buildDemoIfStale(): void {
  const built = statSync(OUTPUT, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = Math.max(...INPUTS.map((input) => newestMtime(join(ROOT, input))));
  if (built > sources && !process.env['E2E_REBUILD']) {
    console.log('demo app is up to date (dist/demo/browser)');
    return;
  }
  console.log('building the demo app: ng build demo …');
  const started = Date.now();
  const result = spawnSync('npx', ['ng', 'build', 'demo'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NG_CLI_ANALYTICS: 'false' },
  });
  if (result.status !== 0) throw new Error(`ng build demo failed with exit code ${result.status}`);
  console.log(`built in ${Date.now() - started} ms`);
}
