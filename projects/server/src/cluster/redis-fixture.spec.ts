/**
 * What the cluster specs share: the real Redis (failing, never skipping, when it is unreachable),
 * a key prefix per log so parallel runs never meet, a TCP proxy of our own to cut Redis off, a
 * recording tail handler, and cleanup after every spec.
 */
import { createClient } from '@redis/client';
import net, { type AddressInfo } from 'node:net';
import { redisLog, type RedisLogOptions } from './redis-log.js';
import type { LogEntry, LogGap, SharedLog, TailHandler } from './shared-log.js';

export const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const RUN = `cf_test_${process.pid}_${Date.now().toString(36)}`;
let prefixes = 0;
const cleanups: (() => unknown)[] = [];

/** Drains the cleanup list after each spec; call once at the top of a describe. */
export function useRedisCleanup(): void {
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
}

export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn);
}

/** A plain client for looking at and tampering with the keys; fails loudly without Redis. */
export async function adminClient() {
  const client = createClient({
    url: REDIS_URL,
    RESP: 2,
    socket: { reconnectStrategy: false, connectTimeout: 2_000 },
  });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    throw new Error(
      `Redis at ${REDIS_URL} is unreachable (${(e as Error).message}); these specs need it${process.env['CI'] === 'true' ? ' (CI=true)' : ''}`,
    );
  }
  onCleanup(() => client.destroy());
  return client;
}

/** A fresh prefix (its keys deleted after the spec). */
export function uniquePrefix(): string {
  const prefix = `${RUN}_${prefixes++}`;
  onCleanup(async () => {
    const admin = createClient({ url: REDIS_URL });
    admin.on('error', () => {});
    await admin.connect();
    await admin.del([`{${prefix}}:meta`, `{${prefix}}:log`]);
    admin.destroy();
  });
  return prefix;
}

/** A log on `prefix` whose errors are collected, closed after the spec. */
export function openLog(
  prefix: string,
  options: Partial<RedisLogOptions> = {},
): { log: SharedLog; errors: Error[] } {
  const errors: Error[] = [];
  const log = redisLog({ url: REDIS_URL, prefix, onError: (e) => errors.push(e), ...options });
  onCleanup(() => log.close());
  return { log, errors };
}

/** A tail handler that records everything, in order. */
export class Recorder implements TailHandler {
  readonly events: (LogEntry | ({ gap: true } & LogGap))[] = [];

  entries(batch: readonly LogEntry[]): void {
    this.events.push(...batch);
  }

  gap(gap: LogGap): void {
    this.events.push({ gap: true, ...gap });
  }

  get data(): LogEntry[] {
    return this.events.filter((e): e is LogEntry => !('gap' in e) && e.kind === 'data');
  }

  get gaps(): LogGap[] {
    return this.events
      .filter((e): e is { gap: true } & LogGap => 'gap' in e)
      .map(({ from, to, reason }) => ({ from, to, reason }));
  }

  /** One line per event, for failure messages and order checks. */
  describe(): string[] {
    return this.events.map((e) =>
      'gap' in e ? `gap ${e.reason} → ${e.to.seq}` : `${e.seq} ${e.kind} ${e.body}`,
    );
  }
}

/** Polls `condition` until it holds; fails with `what` and `detail()` after `ms`. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  detail: () => unknown = () => '',
  ms = 10_000,
): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(detail())}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * A TCP proxy to Redis on 127.0.0.1:<port>, to cut a log off without touching the shared Redis:
 * `down()` stops listening and drops every connection, `up()` listens again on the same port,
 * `stall()` keeps forwarding requests but swallows Redis' replies (an append that ran, unanswered),
 * `lagTails(ms)` delays Redis' replies to tailing connections (a tail behind the appends).
 */
export class RedisProxy {
  private server = net.createServer((s) => this.pipe(s));
  private readonly sockets = new Set<net.Socket>();
  private stalled = false;
  private tailLag = 0;
  port = 0;

  static async start(): Promise<RedisProxy> {
    const proxy = new RedisProxy();
    await proxy.up();
    onCleanup(() => proxy.down());
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  up(): Promise<void> {
    this.stalled = false;
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (this.server.listening) await new Promise((r) => this.server.close(r));
    this.server = net.createServer((s) => this.pipe(s));
  }

  stall(): void {
    this.stalled = true;
  }

  /** Replies to connections that have sent an XREAD arrive `ms` late, in order. */
  lagTails(ms: number): void {
    this.tailLag = ms;
  }

  private pipe(client: net.Socket): void {
    const { port, hostname } = new URL(REDIS_URL);
    const upstream = net.connect(Number(port || 6379), hostname);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(s);
      });
    }
    let tails = false;
    client.on('data', (d: Buffer) => {
      tails ||= d.includes('XREAD');
      upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (this.stalled) return;
      if (tails && this.tailLag > 0) setTimeout(() => client.write(d), this.tailLag);
      else client.write(d);
    });
  }
}

describe('cluster specs’ Redis', () => {
  useRedisCleanup();

  it('is reachable (fails, not skips, without Redis)', async () => {
    const admin = await adminClient();
    expect(await admin.ping()).toBe('PONG');
  });
});
