import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from '../../e2e/lib/demo-process';

/** How long demo-api may take to start on a busy 2-core machine. */
const START_TIMEOUT_MS = 60_000;
/** Output kept for a failure report: the tail only, so a long run's memory stays flat. */
const LOG_TAIL = 20_000;

/**
 * One demo-api process on a fixed port (a restart comes back where the proxy points), which the
 * schedule may kill with SIGKILL (a crash: no goodbye, no 1001) or stop with SIGTERM (a deploy:
 * 1001 with a reconnect window).
 */
export class DemoInstance {
  #child: ChildProcess | null = null;
  #log = '';
  /** When the current process began accepting connections (its "ready at" line). */
  acceptingSince = 0;

  constructor(
    readonly label: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get running(): boolean {
    return this.#child !== null;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'projects/demo-api/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...this.env, PORT: String(this.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`${this.label} did not start in ${START_TIMEOUT_MS} ms:\n${this.#log}`)),
        START_TIMEOUT_MS,
      );
      const collect = (chunk: Buffer) => {
        this.#log = (this.#log + chunk.toString()).slice(-LOG_TAIL);
        if (process.env['CHAOS_VERBOSE']) process.stdout.write(`[${this.label}] ${chunk}`);
        if (!this.acceptingSince && this.#log.includes('ready at')) {
          this.acceptingSince = Date.now();
          clearTimeout(timer);
          resolve();
        }
      };
      this.acceptingSince = 0;
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (this.#child === child) this.#child = null;
        reject(new Error(`${this.label} exited (${code ?? signal}) while starting:\n${this.#log}`));
      });
    });
    await ready;
  }

  /** A crash: SIGKILL, so clients see their sockets die with no close frame. */
  async kill(): Promise<void> {
    await this.#end('SIGKILL');
  }

  /** A deploy: SIGTERM, so the server says goodbye (1001 with a window) before it exits. */
  async stop(): Promise<void> {
    await this.#end('SIGTERM');
  }

  get log(): string {
    return this.#log;
  }

  async #end(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
