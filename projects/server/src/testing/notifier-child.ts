/**
 * A notifier in a child process of its own, for specs that need a real process: memory measured
 * after a forced GC (run with --expose-gc), a crash seen as an exit, a package hidden from it.
 * Configured by one JSON argument ({@link ChildConfig}); talks to its parent over IPC.
 */
import type { IncomingMessage } from 'node:http';
import { createNotifier, leaderSource, redisLog, type NotifierOptions } from '../index.js';
import { postgresSource } from '../sources/postgres-source.js';

/** What the parent asks for. Functions cannot cross a process boundary, so they are named. */
export interface ChildConfig {
  options?: Omit<NotifierOptions, 'port' | 'server' | 'authenticate' | 'sources' | 'onError'>;
  /** authenticate() returns this for every request (a falsy one refuses everyone). */
  authenticateReturns?: 'null' | 'undefined' | 'false' | '0' | 'empty string' | 'user';
  /** authenticate() returns what the request's X-Return header names (one of the above). */
  authenticateByHeader?: boolean;
  /** A postgresSource on this connection string. */
  postgres?: { connectionString: string; connectTimeout?: number; channel?: string };
  /** Cluster mode: a redisLog on this URL and key prefix (with `postgres`: a leaderSource instead). */
  cluster?: { url: string; prefix: string };
}

export type ChildMessage =
  | { type: 'listening'; port: number }
  | { type: 'ready'; port: number }
  | { type: 'failed'; code: string | undefined; message: string }
  | { type: 'error'; code: string | undefined; message: string }
  | {
      type: 'stats';
      rss: number;
      heapUsed: number;
      external: number;
      metrics: Record<string, number>;
    };

export type ParentMessage =
  { type: 'notify'; collection: string; count: number; data?: string } | { type: 'stats' };

const FALSY: Record<string, unknown> = {
  null: null,
  undefined: undefined,
  false: false,
  '0': 0,
  'empty string': '',
};

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
// The parent may be gone (it killed us, or its spec ended): nothing left to tell.
const send = (m: ChildMessage) =>
  void (process.connected && process.send!(m, undefined, undefined, () => {}));
const returned = (name: string | undefined): unknown =>
  name === 'user' ? { id: 1 } : FALSY[name ?? 'null'];
const returns = config.authenticateReturns;
const authenticate = config.authenticateByHeader
  ? {
      authenticate: (req: IncomingMessage) =>
        returned(req.headers['x-return'] as string | undefined),
    }
  : returns !== undefined
    ? { authenticate: () => returned(returns) }
    : {};
const report = (e: Error & { code?: string }) => send({ type: 'error', code: e.code, message: e.message });
const notifier = createNotifier({
  port: 0,
  host: '127.0.0.1',
  ...config.options,
  ...authenticate,
  ...(config.cluster ? { cluster: redisLog({ ...config.cluster, onError: (e) => report(e) }) } : {}),
  sources: !config.postgres
    ? []
    : config.cluster
      ? [leaderSource({ connectionString: config.postgres.connectionString, channel: config.postgres.channel, interval: 100 })]
      : [postgresSource(config.postgres)],
  onError: (e) => report(e),
});
// The port is known before sources are up: a spec may connect clients while a source still retries.
const listening = setInterval(() => {
  const address = notifier.address();
  if (address === null) return;
  clearInterval(listening);
  send({ type: 'listening', port: address.port });
}, 5);
notifier.ready.then(
  () => send({ type: 'ready', port: notifier.address()!.port }),
  (e: Error & { code?: string }) => send({ type: 'failed', code: e.code, message: e.message }),
);
process.on('message', (m: ParentMessage) => {
  if (m.type === 'notify') {
    for (let i = 0; i < m.count; i++)
      notifier.notify({ collection: m.collection, id: i, ...(m.data ? { data: m.data } : {}) });
  } else if (m.type === 'stats') {
    (globalThis as { gc?: () => void }).gc?.();
    const { rss, heapUsed, external } = process.memoryUsage();
    send({
      type: 'stats',
      rss,
      heapUsed,
      external,
      metrics: notifier.metrics() as unknown as Record<string, number>,
    });
  }
});
process.on('disconnect', () => void notifier.close().then(() => process.exit(0)));
