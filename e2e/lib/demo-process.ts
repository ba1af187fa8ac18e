import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** How long demo-api may take to start: PGlite's first initdb is slow on a small machine. */
const START_TIMEOUT_MS = 60_000;

/**
 * demo-api as a child process, as `npm start` runs it, on a fixed port so that a restart comes
 * back at the same address the pages reconnect to.
 */
export class DemoProcess {
  private child: ChildProcess | null = null;
  private output = '';

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly label = 'demo-api',
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'projects/demo-api/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...this.env, PORT: String(this.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.output = '';
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString();
      if (process.env['E2E_VERBOSE']) process.stdout.write(`[${this.label}] ${chunk}`);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`${this.label} did not start within ${START_TIMEOUT_MS} ms:\n${this.output}`),
          ),
        START_TIMEOUT_MS,
      );
      const onData = () => {
        if (this.output.includes('ready at')) {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${this.label} exited with ${code} while starting:\n${this.output}`));
      });
    });
    console.log(`  ${this.label} up on ${this.url} in ${Date.now() - started} ms`);
  }

  /** SIGTERM (graceful: WebSocket clients get 1001), SIGKILL if it hangs. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  /** What the process printed: shown when a test fails. */
  get log(): string {
    return this.output;
  }
}
