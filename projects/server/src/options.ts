import type { IncomingMessage, Server } from 'node:http';
import type { Notification, RowId } from '@changefeed/protocol';
import {
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_MAX_BUFFERED,
  DEFAULT_MAX_PAYLOAD,
  DEFAULT_PATH,
  DEFAULT_RATE_LIMIT,
  DEFAULT_RETENTION,
  DEFAULT_SSE_MAX_AGE_MS,
  DEFAULT_SSE_PATH,
} from './constants.js';
import { ChangefeedTypeError, ErrorCode } from './errors.js';
import type { SharedLog } from './cluster/shared-log.js';
import type { Source } from './sources/source.js';

/**
 * Options of {@link createNotifier}. Every field is optional except one of `server` / `port`.
 * Units are milliseconds and bytes.
 */
export interface NotifierOptions {
  /** An existing server to attach to (WebSocket upgrades on `path`). Exactly one of `server` / `port`. */
  server?: Server;
  /** Port to listen on (0: any free port; see `address()`). Exactly one of `server` / `port`. */
  port?: number;
  /** Interface to listen on with `port`. Default: all interfaces (Node's default). */
  host?: string;
  /** WebSocket path. Default `'/ws'`. */
  path?: string;
  /** Server-Sent Events path, `false` to disable. Default `'/events'`. */
  ssePath?: string | false;
  /** Prometheus text endpoint path, `false` to disable. Default `false`. */
  metricsPath?: string | false;
  /**
   * Origins allowed to open a socket or stream (e.g. `'https://app.example.com'`); these get SSE
   * with credentials. `'*'` allows every origin (explicit opt-in; SSE without credentials).
   * Requests without an Origin header (non-browser clients) are allowed. Default: same origin,
   * and only on `localhost` or an IP address (a DNS-rebinding page controls Origin and Host
   * alike): any other Host is refused with 403 until `origins` is set.
   */
  origins?: string[] | '*';
  /**
   * Returns the user for a request; any falsy value (null, undefined, false, 0, '') refuses it
   * (socket closed 4401, SSE 401). Default: every request is accepted (user `undefined`).
   */
  authenticate?: (req: IncomingMessage) => unknown | null | Promise<unknown | null>;
  /** May this user receive this collection (these rows)? Default: yes. */
  authorize?: (user: unknown, collection: string, ids?: RowId[]) => boolean | Promise<boolean>;
  /** ws-level ping interval and dead-peer timeout, ms; 0 disables. Default 25,000. */
  heartbeat?: number;
  /** Largest client frame, bytes; bigger closes with 1009. Default 65,536. */
  maxPayload?: number;
  /** Unsent bytes per connection before it is closed with 1013 (slow consumer). Default 1,048,576. */
  maxBuffered?: number;
  /**
   * SSE streams are ended after this long, ms; the EventSource reconnects with Last-Event-ID and
   * is replayed, so nothing is lost. It bounds how long a reader frozen behind a proxy (which
   * still accepts the few bytes of heartbeats) holds a stream. 0 disables. Default 300,000.
   */
  sseMaxAge?: number;
  /** Per-connection command rate limit. Default 100 commands per 1,000 ms. */
  rateLimit?: { commands: number; perMs: number };
  /** Replay buffer: notifications kept for `resume`. Default 10,000 notifications / 300,000 ms. */
  retention?: { count?: number; ms?: number };
  /** Change sources started with the notifier and stopped by `close()`. Default none. */
  sources?: Source[];
  /**
   * Several instances as one: a shared log (e.g. `redisLog({ url })`) numbers every
   * notification of every instance, so `notify()` on one reaches the clients of all and a client
   * resumes on any instance. `notify()` then returns 0 (the log assigns seqs). Use
   * `leaderSource` for Postgres triggers (`postgresSource`/`pgliteSource` are refused). Default: none
   * (one instance, its own epoch).
   */
  cluster?: SharedLog;
  /** Receives operational errors (sources, authenticate/authorize failures). Default: `console.error`. */
  onError?: (error: Error & { code?: string }) => void;
}

/** Options with every default applied, as the notifier uses them. */
export interface ResolvedOptions {
  server: Server | undefined;
  port: number | undefined;
  host: string | undefined;
  path: string;
  ssePath: string | false;
  metricsPath: string | false;
  origins: Set<string> | '*' | 'same-origin';
  authenticate: ((req: IncomingMessage) => unknown) | undefined;
  authorize:
    ((user: unknown, collection: string, ids?: RowId[]) => boolean | Promise<boolean>) | undefined;
  heartbeat: number;
  maxPayload: number;
  maxBuffered: number;
  sseMaxAge: number;
  rateLimit: { commands: number; perMs: number };
  retention: { count: number; ms: number };
  sources: Source[];
  cluster: SharedLog | undefined;
  onError: (error: Error & { code?: string }) => void;
}

const KNOWN = new Set([
  'server',
  'port',
  'host',
  'path',
  'ssePath',
  'metricsPath',
  'origins',
  'authenticate',
  'authorize',
  'heartbeat',
  'maxPayload',
  'maxBuffered',
  'sseMaxAge',
  'rateLimit',
  'retention',
  'sources',
  'cluster',
  'onError',
]);

function invalid(message: string): never {
  throw new ChangefeedTypeError(ErrorCode.InvalidOption, message);
}

function int(value: unknown, name: string, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    invalid(`options.${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

function urlPath(
  value: unknown,
  name: string,
  fallback: string | false,
  allowFalse: boolean,
): string | false {
  if (value === undefined) return fallback;
  if (value === false && allowFalse) return false;
  if (typeof value !== 'string' || !value.startsWith('/') || /[?#\s]/.test(value)) {
    invalid(
      `options.${name} must be a path starting with "/" (no query, no spaces)${allowFalse ? ' or false' : ''}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function fn<T>(value: unknown, name: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function')
    invalid(`options.${name} must be a function, got ${typeof value}`);
  return value as T;
}

/** Validates options and applies defaults. Throws a TypeError (code ERR_CHANGEFEED_INVALID_OPTION) stating the rule. */
export function resolveOptions(options: NotifierOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') invalid('options must be an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) invalid(`unknown option "${key}"`);
  }
  const { server, port } = options;
  if ((server === undefined) === (port === undefined)) {
    invalid('exactly one of options.server and options.port must be given');
  }
  if (
    server !== undefined &&
    (typeof server !== 'object' || server === null || typeof (server as Server).on !== 'function')
  ) {
    invalid('options.server must be an http.Server');
  }
  if (
    port !== undefined &&
    (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)
  ) {
    invalid(`options.port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  if (options.host !== undefined && (typeof options.host !== 'string' || port === undefined)) {
    invalid('options.host must be a string and needs options.port');
  }
  const path = urlPath(options.path, 'path', DEFAULT_PATH, false) as string;
  const ssePath = urlPath(options.ssePath, 'ssePath', DEFAULT_SSE_PATH, true);
  const metricsPath = urlPath(options.metricsPath, 'metricsPath', false, true);
  const paths = [path, ssePath, metricsPath].filter((p) => p !== false);
  if (new Set(paths).size !== paths.length)
    invalid(`options.path, ssePath and metricsPath must differ, got ${paths.join(', ')}`);

  let origins: ResolvedOptions['origins'] = 'same-origin';
  if (options.origins === '*') origins = '*';
  else if (options.origins !== undefined) {
    if (
      !Array.isArray(options.origins) ||
      !options.origins.every(
        (o) => typeof o === 'string' && /^[a-z][a-z0-9+.-]*:\/\/[^/\s]+$/i.test(o),
      )
    ) {
      invalid(
        `options.origins must be '*' or an array of origins like "https://app.example.com" (scheme://host[:port], no path), got ${JSON.stringify(options.origins)}`,
      );
    }
    origins = new Set(options.origins.map((o) => o.toLowerCase()));
  }

  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  if (typeof rateLimit !== 'object' || rateLimit === null)
    invalid('options.rateLimit must be { commands, perMs }');
  const commands = int(rateLimit.commands ?? -1, 'rateLimit.commands', 1, 0);
  const perMs = int(rateLimit.perMs ?? -1, 'rateLimit.perMs', 1, 0);

  const retention = options.retention ?? {};
  if (typeof retention !== 'object' || retention === null)
    invalid('options.retention must be { count?, ms? }');
  const count = int(retention.count, 'retention.count', 1, DEFAULT_RETENTION.count);
  const ms = int(retention.ms, 'retention.ms', 1, DEFAULT_RETENTION.ms);

  const sources = options.sources ?? [];
  if (
    !Array.isArray(sources) ||
    !sources.every((s) => s && typeof s.start === 'function' && typeof s.stop === 'function')
  ) {
    invalid(
      'options.sources must be an array of sources ({ start(sink), stop() }), e.g. [postgresSource({...})]',
    );
  }
  const cluster = options.cluster;
  if (
    cluster !== undefined &&
    (cluster === null ||
      typeof cluster !== 'object' ||
      !['append', 'appendReset', 'tail', 'readRange', 'flush', 'stats', 'close'].every(
        (m) => typeof (cluster as unknown as Record<string, unknown>)[m] === 'function',
      ))
  ) {
    invalid('options.cluster must be a shared log, e.g. redisLog({ url })');
  }
  for (const s of sources) {
    if (cluster !== undefined && s.scope === 'instance') {
      invalid(
        'with options.cluster, every instance would append each change of this source (postgresSource, pgliteSource): use leaderSource({ connectionString }), which bridges Postgres triggers once for all instances',
      );
    }
    if (cluster === undefined && s.scope === 'cluster') {
      invalid(
        'leaderSource() needs options.cluster (a shared log): alone, only the instance holding the lock would hear the triggers; use postgresSource() for one instance',
      );
    }
  }

  return {
    server,
    port,
    host: options.host,
    path,
    ssePath,
    metricsPath,
    origins,
    authenticate: fn(options.authenticate, 'authenticate'),
    authorize: fn(options.authorize, 'authorize'),
    heartbeat: int(options.heartbeat, 'heartbeat', 0, DEFAULT_HEARTBEAT_MS),
    maxPayload: int(options.maxPayload, 'maxPayload', 64, DEFAULT_MAX_PAYLOAD),
    maxBuffered: int(options.maxBuffered, 'maxBuffered', 1024, DEFAULT_MAX_BUFFERED),
    sseMaxAge: int(options.sseMaxAge, 'sseMaxAge', 0, DEFAULT_SSE_MAX_AGE_MS),
    rateLimit: { commands, perMs },
    retention: { count, ms },
    sources,
    cluster,
    onError: fn(options.onError, 'onError') ?? ((error) => console.error(error)),
  };
}

export type { Notification, RowId };
