import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { SERVER_FILE } from './consumer-app';
import type { NodeRuntime } from './node-runtime';

/** What the server of one consumer app serves, and from which table and channel. */
export interface ServerSetup {
  appDir: string;
  staticDir: string;
  runtime: NodeRuntime;
  databaseUrl: string;
  table: string;
  channel: string;
}

/** The consumer app's server (consumer/serve.mjs) as a child process on plain `node`. */
export class ServerProcess {
  private child?: ChildProcess;
  log = '';
  port = 0;

  constructor(private readonly setup: ServerSetup) {}

  /** Starts it (on the port it had before, after a restart) and resolves once it listens. */
  async start(): Promise<void> {
    const { appDir, staticDir, runtime, databaseUrl, table, channel } = this.setup;
    const child = spawn(runtime.node, [join(appDir, SERVER_FILE)], {
      cwd: appDir,
      env: {
        ...runtime.env,
        DATABASE_URL: databaseUrl,
        TABLE: table,
        CHANNEL: channel,
        STATIC_DIR: staticDir,
        PORT: String(this.port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr.on('data', (chunk) => (this.log += chunk));
    this.port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        this.log += chunk;
        const listening = /listening on (\d+)/.exec(this.log);
        if (listening) resolve(Number(listening[1]));
      });
      child.once('exit', (code) =>
        reject(new Error(`the server exited with ${code} before listening:\n${this.log}`)),
      );
    });
  }

  /** SIGKILL: no close frames, no cleanup, as a crash or an OOM kill. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** GET a path of it, e.g. /metrics. */
  async get(path: string): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${this.port}${path}`);
    return response.text();
  }
}
