import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
/** The repository root: where `tsx` resolves from. */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** PGlite's first initdb in a new folder: a few seconds, over 40 on a loaded 2-core machine. */
export const START_TIMEOUT_MS = 120_000;

/**
 * demo-api as a real child process (`node --import tsx src/main.ts`, what `npm start` runs) on a
 * free port, for suites that must see the process die when a request kills it. `env` is the
 * configuration (see options-from-env.ts); PORT is always 0 and the port is read from the
 * "ready at" line.
 */
export class DemoApiProcess {
  private output = '';
  private exitedWith: string | null = null;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(env: Record<string, string>): Promise<DemoApiProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      cwd: ROOT,
      env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => (output += chunk.toString());
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`demo-api did not start within ${START_TIMEOUT_MS} ms:\n${output}`));
      }, START_TIMEOUT_MS);
      const onData = () => {
        const ready = /ready at http:\/\/[^:]+:(\d+)/.exec(output);
        if (!ready) return;
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
        resolve(Number(ready[1]));
      };
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`demo-api exited with ${code} while starting:\n${output}`));
      };
      child.stdout!.on('data', onData);
      child.once('exit', onExit);
    });
    const started = new DemoApiProcess(child, port);
    started.output = output;
    child.stdout!.off('data', collect).on('data', (chunk: Buffer) => (started.output += chunk));
    child.stderr!.off('data', collect).on('data', (chunk: Buffer) => (started.output += chunk));
    child.once('exit', (code, signal) => (started.exitedWith = signal ?? `code ${code}`));
    return started;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Null while running; how it exited (`code 1`, `SIGKILL`) once it has. */
  get exited(): string | null {
    return this.exitedWith;
  }

  /** Everything it printed: what a failing spec shows. */
  get log(): string {
    return this.output;
  }

  /** SIGTERM (graceful close), SIGKILL if it hangs. */
  async stop(): Promise<void> {
    if (this.exitedWith !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
