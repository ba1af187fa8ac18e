import type { Client, ClientConfig } from 'pg';
import {
  DEFAULT_CHANNEL,
  PG_CONNECT_TIMEOUT_MS,
  PG_PROBE_INTERVAL_MS,
  PG_PROBE_TIMEOUT_MS,
  PG_RECONNECT_MAX_MS,
  PG_RECONNECT_MIN_MS,
} from '../constants.js';
import { ChangefeedError, ChangefeedTypeError, ErrorCode, toError } from '../errors.js';
import { loadPg } from './load-pg.js';
import { checkChannel, parsePayload } from './parse-payload.js';
import type { Source, SourceSink } from './source.js';

export interface PostgresSourceOptions {
  /** `postgres://user@host:5432/db`. At most one of `connectionString` / `client`; neither: pg's PG* environment variables. */
  connectionString?: string;
  /** A pg ClientConfig for the dedicated LISTEN connection (never a pooled one: LISTEN is per session). */
  client?: ClientConfig;
  /** NOTIFY channel. Default `'changefeed'`. */
  channel?: string;
  /** Health probe (`SELECT 1`) interval, ms; 0 disables. Default 10,000 (a dead connection is noticed within 20 s). */
  probeInterval?: number;
  /** How long a probe may go unanswered before the connection counts as dead, ms. Default 10,000. */
  probeTimeout?: number;
  /**
   * How long connecting and `LISTEN` may take, ms, before the attempt is abandoned, reported and
   * retried with backoff (a database that accepts TCP and never answers must not hang the
   * source). Default 10,000.
   */
  connectTimeout?: number;
}

/**
 * Changes from Postgres through a dedicated LISTEN connection, reconnecting with capped, jittered
 * backoff. Postgres drops notifications while nobody listens, so every (re)established LISTEN
 * signals `reset` for all collections: clients refetch instead of missing a change.
 *
 * @example
 * createNotifier({ server, sources: [postgresSource({ connectionString: process.env.DATABASE_URL })] });
 */
export function postgresSource(options: PostgresSourceOptions = {}): Source {
  const invalid = (m: string): never => {
    throw new ChangefeedTypeError(ErrorCode.InvalidOption, `postgresSource(): ${m}`);
  };
  if (options.connectionString !== undefined && options.client !== undefined)
    invalid('give at most one of connectionString and client');
  if (options.connectionString !== undefined && typeof options.connectionString !== 'string')
    invalid('connectionString must be a string');
  const channel = checkChannel(options.channel ?? DEFAULT_CHANNEL, 'postgresSource()');
  const probeInterval = options.probeInterval ?? PG_PROBE_INTERVAL_MS;
  if (!Number.isSafeInteger(probeInterval) || probeInterval < 0)
    invalid('probeInterval must be an integer ≥ 0 (ms)');
  const probeTimeout = options.probeTimeout ?? PG_PROBE_TIMEOUT_MS;
  if (!Number.isSafeInteger(probeTimeout) || probeTimeout <= 0)
    invalid('probeTimeout must be an integer > 0 (ms)');
  const connectTimeout = options.connectTimeout ?? PG_CONNECT_TIMEOUT_MS;
  if (!Number.isSafeInteger(connectTimeout) || connectTimeout <= 0)
    invalid('connectTimeout must be an integer > 0 (ms)');
  const config: ClientConfig = {
    application_name: 'changefeed-listener',
    ...(options.connectionString !== undefined
      ? { connectionString: options.connectionString }
      : options.client),
    keepAlive: true,
  };

  let sink: SourceSink;
  let current: Client | undefined;
  let stopped = false;
  let attempt = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let probeTimer: NodeJS.Timeout | undefined;
  let firstUp: { resolve: () => void; reject: (e: Error) => void } | undefined;

  async function connect(): Promise<void> {
    const pg = await loadPg();
    const client = new pg.Client(config);
    client.on('error', (e) => lost(client, e));
    client.on('end', () => lost(client, new Error('connection ended')));
    client.on('notification', (msg) => {
      if (msg.channel !== channel || client !== current) return;
      const n = parsePayload(msg.payload, channel);
      if (n instanceof Error) sink.error(n);
      else sink.notify(n);
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer to connect and LISTEN in ${connectTimeout} ms`)),
        connectTimeout,
      );
    });
    try {
      await Promise.race([
        client.connect().then(() => client.query(`LISTEN "${channel}"`)),
        timeout,
      ]);
    } catch (e) {
      destroy(client);
      throw e;
    } finally {
      clearTimeout(timer);
    }
    if (stopped) return void destroy(client);
    current = client;
    attempt = 0;
    // Whatever was written while nobody listened is gone: make every client refetch.
    sink.reset();
    if (probeInterval > 0) probeTimer = setInterval(() => probe(client), probeInterval);
    probeTimer?.unref();
    firstUp?.resolve();
    firstUp = undefined;
  }

  function destroy(client: Client): void {
    client.end().catch(() => {});
    // end() waits for the server; a half-open socket never answers.
    (
      client as unknown as { connection?: { stream?: { destroy(): void } } }
    ).connection?.stream?.destroy();
  }

  function lost(client: Client, e: Error): void {
    if (client !== current || stopped) return;
    current = undefined;
    clearInterval(probeTimer);
    sink.error(
      new ChangefeedError(
        ErrorCode.SourceConnection,
        `LISTEN connection lost (${e.message}); reconnecting`,
        { cause: e },
      ),
    );
    destroy(client);
    schedule();
  }

  function schedule(): void {
    if (stopped) return;
    const delay =
      Math.random() * Math.min(PG_RECONNECT_MAX_MS, PG_RECONNECT_MIN_MS * 2 ** attempt++);
    retryTimer = setTimeout(tryConnect, delay);
  }

  /** One connection attempt; a failure is reported and retried, except a missing `pg`, which fails `start()`. */
  function tryConnect(): void {
    connect().catch((e) => {
      if (e instanceof ChangefeedError && e.code === ErrorCode.MissingPeer) {
        firstUp?.reject(e);
        firstUp = undefined;
        return;
      }
      sink.error(
        new ChangefeedError(
          ErrorCode.SourceConnection,
          `cannot LISTEN on "${channel}": ${toError(e).message}; retrying`,
          { cause: e },
        ),
      );
      schedule();
    });
  }

  let probing = false;
  function probe(client: Client): void {
    if (probing || client !== current) return;
    probing = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`health probe got no answer in ${probeTimeout} ms`)),
        probeTimeout,
      );
    });
    Promise.race([client.query('SELECT 1'), timeout])
      .catch((e) => lost(client, toError(e)))
      .finally(() => {
        clearTimeout(timer);
        probing = false;
      });
  }

  return {
    // Every instance LISTENs: with a shared log use leaderSource, which appends each NOTIFY once.
    scope: 'instance',
    start(s) {
      sink = s;
      stopped = false;
      return new Promise<void>((resolve, reject) => {
        firstUp = { resolve, reject };
        tryConnect();
      });
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      clearInterval(probeTimer);
      firstUp?.resolve();
      firstUp = undefined;
      const c = current;
      current = undefined;
      if (c) await c.end().catch(() => {});
    },
  };
}
