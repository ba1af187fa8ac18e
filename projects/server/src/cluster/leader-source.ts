import { createHash } from 'node:crypto';
import type { Client, ClientConfig } from 'pg';
// The only imports from outside cluster/: the LISTEN payload rules and the Source contract.
import { checkChannel, parsePayload } from '../sources/parse-payload.js';
import type { Source, SourceSink } from '../sources/source.js';
import { LOG_RECONNECT_MAX_MS, LOG_RECONNECT_MIN_MS } from './cluster-constants.js';
import { LogError, LogErrorCode, LogOptionError } from './log-error.js';

export interface LeaderSourceOptions {
  /** `postgres://…`; or `client`, a pg ClientConfig. Neither: pg's PG* environment variables. */
  connectionString?: string;
  client?: ClientConfig;
  /** NOTIFY channel. Default `'changefeed'`. */
  channel?: string;
  /** How often a standby tries the lock, and a leader probes its connection, ms. Default 1,000. */
  interval?: number;
  /** A probe unanswered this long declares the connection dead, ms. Default 10,000. */
  probeTimeout?: number;
}

/** A Source that only the instance holding the channel's advisory lock runs. */
export interface LeaderSource extends Source {
  /** Whether this instance holds the lock and listens now. */
  isLeader(): boolean;
}

/** The advisory lock key of a channel: the same on every instance, unlikely to meet an app's own keys. */
export function leaderLockKey(channel: string): string {
  return createHash('sha1').update(`changefeed:${channel}`).digest().readBigInt64BE(0).toString();
}

/**
 * Postgres trigger notifications bridged exactly once into a shared log: every instance runs
 * one, only the holder of a session-level advisory lock LISTENs, on the same session that holds
 * the lock. Lock and LISTEN live and die together: when the leader's session ends (a crash, a
 * terminated backend, close) Postgres releases the lock, and a standby that takes it LISTENs and
 * signals `reset` (the sink appends a reset marker) because NOTIFYs sent while nobody listened
 * are lost. Standbys retry every `interval`; their attempt is also their connection's probe.
 *
 * @example
 * createNotifier({ server, cluster: redisLog({ url }), sources: [leaderSource({ connectionString })] });
 */
export function leaderSource(options: LeaderSourceOptions = {}): LeaderSource {
  if (options.connectionString !== undefined && options.client !== undefined)
    throw new LogOptionError('leaderSource(): give at most one of connectionString and client');
  const channel = checkChannel(options.channel ?? 'changefeed', 'leaderSource()');
  const interval = options.interval ?? 1_000;
  const probeTimeout = options.probeTimeout ?? 10_000;
  for (const [name, v] of [
    ['interval', interval],
    ['probeTimeout', probeTimeout],
  ] as const) {
    if (!Number.isSafeInteger(v) || v <= 0)
      throw new LogOptionError(`leaderSource(): ${name} must be an integer > 0 (ms)`);
  }
  const key = leaderLockKey(channel);
  const config: ClientConfig = {
    application_name: 'changefeed-bridge',
    ...(options.connectionString !== undefined
      ? { connectionString: options.connectionString }
      : options.client),
    keepAlive: true,
  };

  let sink: SourceSink;
  let client: Client | undefined;
  let leader = false;
  let stopped = true;
  let failures = 0;
  /** Lost the lead with its session: on reconnecting, the standbys get one interval's head start. */
  let deposed = false;
  let timer: NodeJS.Timeout | undefined;
  let started: (() => void) | undefined;

  async function connect(): Promise<void> {
    const { default: pg } = await import('pg');
    const c = new pg.Client(config);
    c.on('error', (e) => lost(c, e));
    c.on('end', () => lost(c, new Error('connection ended')));
    c.on('notification', (msg) => {
      if (c !== client || !leader || msg.channel !== channel) return;
      const n = parsePayload(msg.payload, channel);
      if (n instanceof Error) sink.error(n);
      else sink.notify(n);
    });
    try {
      await c.connect();
    } catch (e) {
      void c.end().catch(() => {});
      throw e;
    }
    if (stopped) return void c.end().catch(() => {});
    client = c;
    failures = 0;
    // A standby whose session stayed up is the better leader than one whose session just died
    // (its network may be the trouble): wait one interval before competing for the lock again.
    if (deposed) {
      deposed = false;
      timer = setTimeout(() => void tick(c), interval);
      return;
    }
    await tick(c);
  }

  /** Standby: try the lock (and LISTEN once it is ours). Leader: probe. Then schedule the next. */
  async function tick(c: Client): Promise<void> {
    let timeout: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        step(c),
        new Promise(
          (_, reject) =>
            (timeout = setTimeout(
              () => reject(new Error(`no answer in ${probeTimeout} ms`)),
              probeTimeout,
            )),
        ),
      ]);
    } catch (e) {
      return lost(c, e as Error);
    } finally {
      clearTimeout(timeout);
    }
    if (c === client && !stopped) timer = setTimeout(() => void tick(c), interval);
  }

  async function step(c: Client): Promise<void> {
    if (leader) {
      await c.query('SELECT 1');
      return;
    }
    const { rows } = await c.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1::bigint) AS locked',
      [key],
    );
    if (!rows[0].locked || c !== client) return;
    await c.query(`LISTEN "${channel}"`);
    leader = true;
    // What was notified while nobody listened (a handover, the first start) is lost: reset.
    sink.reset();
    started?.();
  }

  function lost(c: Client, e: Error): void {
    if (c !== client) return;
    client = undefined;
    deposed ||= leader;
    leader = false;
    clearTimeout(timer);
    // Ending the session releases the lock: a standby may take over at once.
    void c.end().catch(() => {});
    (
      c as unknown as { connection?: { stream?: { destroy(): void } } }
    ).connection?.stream?.destroy();
    if (stopped) return;
    sink.error(
      new LogError(
        LogErrorCode.Unavailable,
        `leaderSource(): connection lost (${e.message}); reconnecting`,
        { cause: e },
      ),
    );
    retry();
  }

  function retry(): void {
    const delay =
      Math.random() * Math.min(LOG_RECONNECT_MAX_MS, LOG_RECONNECT_MIN_MS * 2 ** failures++);
    timer = setTimeout(() => {
      connect().catch((e) => {
        if (!stopped) connectFailed(e);
      });
    }, delay);
  }

  function connectFailed(e: unknown): void {
    sink.error(
      new LogError(
        LogErrorCode.Unavailable,
        `leaderSource(): cannot connect (${(e as Error).message}); retrying`,
        { cause: e },
      ),
    );
    retry();
  }

  return {
    // Only the lock holder bridges: instances without a shared log would miss its notifications.
    scope: 'cluster',
    isLeader: () => leader,
    start(s) {
      sink = s;
      stopped = false;
      // Resolves once connected (as leader or standby): a standby is a started source too.
      return new Promise<void>((resolve) => {
        started = resolve;
        connect()
          .then(() => resolve())
          .catch(connectFailed);
      });
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      started?.();
      const c = client;
      client = undefined;
      leader = false;
      if (c) await c.end().catch(() => {});
    },
  };
}
