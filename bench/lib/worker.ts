import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

/**
 * Bench roles run in child processes so that a server's RSS and CPU are its own, and clients
 * never share an event loop with the server they measure. Parent and child talk over the IPC
 * channel: `{id, cmd, args}` requests, `{id, ok, result | error}` replies, `{event, data}` events.
 */
export interface Worker {
  readonly pid: number;
  readonly child: ChildProcess;
  call<T = unknown>(cmd: string, args?: unknown, timeoutMs?: number): Promise<T>;
  on(event: string, listener: (data: any) => void): void;
  /** Asks the worker to exit, then SIGKILLs it after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL now (a crash, as a server restart without goodbye). */
  kill(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
export const workersDir = resolve(here, '../workers');

export function startWorker(name: string, options: { execArgv?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<Worker> {
  const child = fork(resolve(workersDir, `${name}.ts`), [], {
    execArgv: ['--import', 'tsx', '--expose-gc', ...(options.execArgv ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void; timer?: NodeJS.Timeout }>();
  const listeners = new Map<string, ((data: any) => void)[]>();
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  child.on('message', (msg: any) => {
    if (msg && typeof msg.id === 'number') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(`${name}: ${msg.error}`));
    } else if (msg && typeof msg.event === 'string') {
      for (const l of listeners.get(msg.event) ?? []) l(msg.data);
    }
  });
  child.once('exit', (code, signal) => {
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(`bench worker ${name} exited (${code ?? signal}) with a call pending`));
    }
    pending.clear();
  });
  const worker: Worker = {
    get pid() {
      return child.pid!;
    },
    child,
    call(cmd, args, timeoutMs = 300_000) {
      return new Promise((resolveCall, rejectCall) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          pending.delete(id);
          rejectCall(new Error(`bench worker ${name}: '${cmd}' timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve: resolveCall, reject: rejectCall, timer });
        child.send({ id, cmd, args });
      });
    },
    on(event, listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
    },
    async stop(graceMs = 3000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send({ id: 0, cmd: '__exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  // The 'ready' event is sent by serveWorker once the module's imports have loaded.
  return new Promise((resolveStart, rejectStart) => {
    const onExit = (code: number | null) => rejectStart(new Error(`bench worker ${name} exited (${code}) before it was ready`));
    child.once('exit', onExit);
    worker.on('ready', () => {
      child.off('exit', onExit);
      resolveStart(worker);
    });
  });
}

type Handler = (args: any) => unknown | Promise<unknown>;

/**
 * The `expect` / `collect` pair every fleet serves: `expect` starts waiting for deliveries and
 * answers at once (so the parent can notify meanwhile), `collect` answers with what arrived.
 */
export function expectAndCollect<A, R>(start: (args: A) => Promise<R>): { expect: (args: A) => { armed: true }; collect: () => Promise<R | undefined> } {
  let pending: Promise<R> | undefined;
  return {
    expect: (args) => {
      pending = start(args);
      return { armed: true };
    },
    collect: async () => {
      const r = await pending;
      pending = undefined;
      return r;
    },
  };
}

/** Child side: answers the parent's calls with `handlers`, and exits when the parent goes. */
export function serveWorker(handlers: Record<string, Handler>, onExit?: () => unknown | Promise<unknown>): void {
  process.on('message', async (msg: any) => {
    if (!msg || typeof msg.id !== 'number') return;
    if (msg.cmd === '__exit') {
      try {
        await onExit?.();
      } finally {
        process.exit(0);
      }
    }
    const handler = handlers[msg.cmd];
    try {
      if (!handler) throw new Error(`unknown command '${msg.cmd}'`);
      const result = await handler(msg.args);
      process.send!({ id: msg.id, ok: true, result });
    } catch (error) {
      process.send!({ id: msg.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ event: 'ready' });
}

export function emit(event: string, data?: unknown): void {
  process.send?.({ event, data });
}

/** Asks each started worker to close what it opened, then ends it; never throws (teardown). */
export async function stopWorkers(...workers: (Worker | undefined)[]): Promise<void> {
  for (const worker of workers) {
    await worker?.call('close', undefined, 20_000).catch(() => {});
    await worker?.stop();
  }
}
