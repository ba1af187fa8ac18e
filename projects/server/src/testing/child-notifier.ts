/**
 * The parent side of notifier-child.ts: spawns a notifier as a real process on port 0, waits for
 * it to listen, and asks it for memory and metrics. Killed in teardown (`close()`).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildConfig, ChildMessage, ParentMessage } from './notifier-child.js';

export type { ChildConfig };

const CHILD = fileURLToPath(new URL('./notifier-child.ts', import.meta.url));
const HIDE = fileURLToPath(new URL('./hide-package.mjs', import.meta.url));

export class ChildNotifier {
  readonly errors: { code: string | undefined; message: string }[] = [];
  /** Set when the process exits; a notifier that crashes shows up here. */
  exit: { code: number | null; signal: string | null } | undefined;
  private readonly waiting: ((m: ChildMessage) => boolean)[] = [];
  /** Messages nobody was waiting for yet (e.g. 'listening' before the spec asks). */
  private readonly backlog: ChildMessage[] = [];
  private readonly child: ChildProcess;

  /** `hide`: packages made unresolvable in the child (e.g. ['pg']). */
  constructor(config: ChildConfig, hide: string[] = []) {
    this.child = fork(CHILD, [JSON.stringify(config)], {
      execArgv: ['--expose-gc', '--import', 'tsx', ...(hide.length ? ['--import', HIDE] : [])],
      env: { ...process.env, CHANGEFEED_HIDE: hide.join(',') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: ChildMessage) => {
      if (m.type === 'error') this.errors.push({ code: m.code, message: m.message });
      const i = this.waiting.findIndex((w) => w(m));
      if (i !== -1) this.waiting.splice(i, 1);
      else if (m.type !== 'error') this.backlog.push(m);
    });
    this.child.on('exit', (code, signal) => (this.exit = { code, signal }));
  }

  /** The next message of this type (or one that came before anyone asked); fails after `ms` or when the child exits. */
  next<T extends ChildMessage['type']>(
    type: T,
    ms = 15_000,
  ): Promise<Extract<ChildMessage, { type: T }>> {
    const early = this.backlog.findIndex((m) => m.type === type);
    if (early !== -1)
      return Promise.resolve(
        this.backlog.splice(early, 1)[0] as Extract<ChildMessage, { type: T }>,
      );
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "${type}" from the notifier child in ${ms} ms`)),
        ms,
      );
      const onExit = () =>
        reject(
          new Error(`the notifier child exited (${JSON.stringify(this.exit)}) before "${type}"`),
        );
      this.child.once('exit', onExit);
      this.waiting.push((m) => {
        if (m.type !== type) return false;
        clearTimeout(timer);
        this.child.off('exit', onExit);
        resolve(m as Extract<ChildMessage, { type: T }>);
        return true;
      });
    });
  }

  /** Waits until the port is open (sources may still be starting); returns the port. */
  async listening(): Promise<number> {
    return (await this.next('listening')).port;
  }

  /** Waits until ready (listening, sources started); returns the port. Rejects with the child's error (and its code). */
  async ready(): Promise<number> {
    const ready = this.next('ready');
    const failed = this.next('failed').then((m) => {
      throw Object.assign(new Error(m.message), { code: m.code });
    });
    failed.catch(() => {});
    return (await Promise.race([ready, failed])).port;
  }

  send(m: ParentMessage): void {
    this.child.send(m);
  }

  /** RSS and heap after a forced GC, with the notifier's metrics. */
  async stats(): Promise<Extract<ChildMessage, { type: 'stats' }>> {
    const reply = this.next('stats');
    this.send({ type: 'stats' });
    return reply;
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  /** A graceful stop: the child closes its notifier (disconnect) and exits; resolves on exit. */
  shutdown(): Promise<void> {
    if (this.exit) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.disconnect();
    });
  }

  close(): Promise<void> {
    if (this.exit) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }
}
