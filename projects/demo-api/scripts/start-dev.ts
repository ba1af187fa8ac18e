/**
 * `npm run start:dev`: demo-api on :4300 restarting on every change (node --watch) and
 * `ng serve demo` on :4200 with live reload, proxying /api, /ws and /events to the API.
 * Ctrl+C stops both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Must match projects/demo/proxy.conf.json. */
const API_PORT = '4300';

const children: ChildProcess[] = [
  spawn(process.execPath, ['--watch', '--import', 'tsx', 'projects/demo-api/src/main.ts'], {
    cwd: ROOT,
    stdio: 'inherit',
    // The app is served by ng serve here, so the API serves no static files.
    env: { ...process.env, PORT: API_PORT, DEMO_STATIC_DIR: '/nonexistent' },
  }),
  // ng itself, not through npx: npx would not pass SIGTERM on, leaving the dev server behind.
  spawn(
    process.execPath,
    [
      'node_modules/@angular/cli/bin/ng.js',
      'serve',
      'demo',
      '--port',
      process.env['PORT'] ?? '4200',
      '--proxy-config',
      'projects/demo/proxy.conf.json',
    ],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  ),
];

console.log(
  'start:dev → open http://localhost:4200 (ng serve, live reload); demo-api listens on :4300 behind its proxy',
);

let stopping = false;
function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
for (const child of children) child.on('exit', (code) => stop(code ?? 1));
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
