import { randomBytes } from 'node:crypto';
import type { RedisClientType } from '@redis/client';
import { AppendQueue } from './append-queue.js';
import {
  DEFAULT_LOG_BLOCK_MS,
  DEFAULT_LOG_CLOSE_TIMEOUT_MS,
  DEFAULT_LOG_MAX_LEN,
  DEFAULT_LOG_MAX_PENDING,
  DEFAULT_LOG_MAX_PENDING_CHARS,
  DEFAULT_LOG_PREFIX,
  LOG_RECONNECT_MAX_MS,
  LOG_RECONNECT_MIN_MS,
} from './cluster-constants.js';
import { parseRow, type StreamRow } from './log-entry.js';
import { LogError, LogErrorCode, LogOptionError } from './log-error.js';
import { APPEND, RANGE, runScript } from './log-scripts.js';
import { LogTail } from './log-tail.js';
import type { LogEntry, RangeResult, SharedLog } from './shared-log.js';

export interface RedisLogOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS). Required. */
  url: string;
  /** Names the log: keys are `{<prefix>}:meta` and `{<prefix>}:log`. Default `'changefeed'`. */
  prefix?: string;
  /** Entries the stream keeps at least (`XTRIM MAXLEN ~`): how far back any instance can resume. Default 10,000. */
  maxLen?: number;
  /** Records one instance may queue while Redis is slow or away; past it they are dropped and a reset marker covers them. Default 10,000. */
  maxPending?: number;
  /** The same bound in characters of notification JSON (one byte each for ASCII text in V8). Default 16 MiB. */
  maxPendingChars?: number;
  /** XREAD BLOCK timeout, ms: how often an idle tail checks that the log is still there. Default 2,000. */
  blockMs?: number;
  /** How long `close()` waits for queued appends, ms. Default 5,000. */
  closeTimeout?: number;
  /** Operational errors (Redis away, appends lost), each with a `.code`. Default `console.error`. */
  onError?: (err: Error) => void;
}

// RESP2 replies: arrays, not maps, whatever the server's default protocol.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type Client = RedisClientType<{}, {}, {}, 2>;

/** node-redis errors of a connection that is down (offline under disableOfflineQueue, or closed). */
const CONNECTION_DOWN = ['ClientOfflineError', 'ClientClosedError'];

/**
 * node-redis errors that prove a command never reached Redis: a connection that is down, and its
 * command timeout (5 s), which only rejects commands not yet written — it fires when this
 * process's own event loop stalled between sendCommand and the write. Matched by class name:
 * node-redis leaves `name` as 'Error' (so `e.name` never matched them), and the package is only
 * loaded when redisLog() is used.
 */
const NEVER_SENT = [...CONNECTION_DOWN, 'TimeoutError'];

/** Whether `e` is a node-redis error whose class is one of `names`. */
function isRedisError(e: unknown, names: readonly string[]): boolean {
  return e instanceof Error && names.includes(e.constructor.name);
}

function positiveInt(value: unknown, name: string): number {
  if (!Number.isSafeInteger(value) || (value as number) <= 0)
    throw new LogOptionError(`${name} must be an integer > 0`);
  return value as number;
}

/**
 * A shared log on Redis Streams (Redis ≥ 7, `@redis/client` installed): one epoch and one seq
 * space for every instance that opens the same `prefix` on the same Redis. Two connections: one
 * for appends and range reads, one dedicated to the tail's blocking XREAD.
 *
 * @example
 * const log = redisLog({ url: 'redis://127.0.0.1:6379' });
 * const head = await log.tail({ entries: (batch) => fanOut(batch), gap: () => resetAll() });
 * log.append([JSON.stringify({ collection: 'forums', op: 'insert', id: 42 })]);
 */
export function redisLog(options: RedisLogOptions): SharedLog {
  if (typeof options?.url !== 'string' || !/^rediss?:\/\//.test(options.url))
    throw new LogOptionError('url must be a redis:// or rediss:// URL');
  const prefix = options.prefix ?? DEFAULT_LOG_PREFIX;
  if (typeof prefix !== 'string' || !/^[^{}\s]{1,100}$/.test(prefix))
    throw new LogOptionError('prefix must be 1 to 100 characters without braces or spaces');
  const maxLen = positiveInt(options.maxLen ?? DEFAULT_LOG_MAX_LEN, 'maxLen');
  const maxPending = positiveInt(options.maxPending ?? DEFAULT_LOG_MAX_PENDING, 'maxPending');
  const maxPendingChars = positiveInt(
    options.maxPendingChars ?? DEFAULT_LOG_MAX_PENDING_CHARS,
    'maxPendingChars',
  );
  const blockMs = positiveInt(options.blockMs ?? DEFAULT_LOG_BLOCK_MS, 'blockMs');
  const closeTimeout = positiveInt(
    options.closeTimeout ?? DEFAULT_LOG_CLOSE_TIMEOUT_MS,
    'closeTimeout',
  );
  const report = options.onError ?? ((e: Error) => console.error(e));
  // One hash slot for both keys, so the Lua scripts may run on Redis Cluster too.
  const keys = [`{${prefix}}:meta`, `{${prefix}}:log`] as const;
  // Names the epoch this instance may open: unique per instance and call.
  const instance = randomBytes(6).toString('base64url');
  let opened = 0;
  const openArgs = () => [`${instance}${(opened++).toString(36)}`, String(maxLen)];

  let closed = false;
  let closing: Promise<void> | undefined;
  let gaps = 0;

  /** Every client made, so close() ends them even while they are still trying to connect. */
  const created: Client[] = [];
  const connecting = connect();
  // Until then the queue sees a connection that is not ready and readRange answers 'unavailable'.
  let cmdClient: Client | undefined;
  // Failures reach onError from inside connect(); the promise itself is awaited where needed.
  connecting.then((c) => (cmdClient = c.cmd)).catch(() => {});

  async function connect(): Promise<{ cmd: Client; tail: Client }> {
    let createClient: typeof import('@redis/client').createClient;
    try {
      ({ createClient } = await import('@redis/client'));
    } catch (e) {
      const err = new LogError(
        LogErrorCode.Unavailable,
        'redisLog() needs the @redis/client package: npm install @redis/client',
        { cause: e },
      );
      report(err);
      throw err;
    }
    if (closed) throw new LogError(LogErrorCode.Unavailable, 'closed before connecting');
    const cmd = createClient({
      url: options.url,
      RESP: 2,
      // Our queue is the only one: it is bounded, and it knows what an unsent command means.
      disableOfflineQueue: true,
      socket: { reconnectStrategy: (retries: number) => backoff(retries), connectTimeout: 5_000 },
    }) as Client;
    const tail = cmd.duplicate() as Client;
    for (const [client, role] of [
      [cmd, 'append'],
      [tail, 'tail'],
    ] as const) {
      watch(client, role);
      created.push(client);
    }
    // connect() resolves on the first ready; until then reconnectStrategy keeps trying.
    await Promise.all([cmd.connect(), tail.connect()]);
    return { cmd, tail };
  }

  /** Reports the first error of each outage of a connection, not every reconnect attempt. */
  function watch(client: Client, role: string): void {
    let down = false;
    client.on('error', (e: Error) => {
      if (down || closed) return;
      down = true;
      report(
        new LogError(
          LogErrorCode.Unavailable,
          `Redis ${role} connection: ${e.message}; reconnecting`,
          { cause: e },
        ),
      );
    });
    client.on('ready', () => (down = false));
  }

  function backoff(failures: number): number {
    return (
      Math.random() *
      Math.min(LOG_RECONNECT_MAX_MS, LOG_RECONNECT_MIN_MS * 2 ** Math.min(failures, 16))
    );
  }

  /**
   * Waits that close() must end: each removes itself when it ends on its own, so a long outage
   * or a persistent error does not pile up callbacks.
   */
  const waits = new Set<() => void>();

  /** Resolves when `start` calls its argument, or on close(). */
  function wait(start: (done: () => void) => () => void): Promise<void> {
    if (closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        waits.delete(done);
        stop();
        resolve();
      };
      const stop = start(done);
      waits.add(done);
    });
  }

  function pause(failures: number): Promise<void> {
    return wait((done) => {
      const timer = setTimeout(done, backoff(failures));
      return () => clearTimeout(timer);
    });
  }

  function whenReady(client: Client): Promise<void> {
    if (client.isReady) return Promise.resolve();
    // Not events.once(): it rejects on the 'error' every failed reconnect attempt emits.
    return wait((done) => {
      client.on('ready', done);
      return () => client.off('ready', done);
    });
  }

  const queue = new AppendQueue(
    {
      send: (pairs) =>
        runScript(cmdClient!, APPEND, keys, [...openArgs(), ...pairs]).then(() => undefined),
      isReady: () => cmdClient?.isReady === true,
      whenReady: async () => {
        // Before the first connection connect() retries by itself; if it failed (no @redis/client)
        // pause, so the queue does not spin.
        if (cmdClient === undefined)
          await wait((done) => (connecting.then(done, () => pause(1).then(done)), () => {}));
        else await whenReady(cmdClient);
      },
      pause,
      notSent: (e) => isRedisError(e, NEVER_SENT),
    },
    { records: maxPending, chars: maxPendingChars },
    report,
  );

  async function readRange(epoch: string, after: number, limit?: number): Promise<RangeResult> {
    if (cmdClient === undefined || !Number.isSafeInteger(after) || after < 0)
      return { ok: false, reason: cmdClient === undefined ? 'unavailable' : 'ahead' };
    const count =
      limit !== undefined && Number.isSafeInteger(limit) && limit > 0 ? limit : undefined;
    let reply: ['epoch'] | ['ahead'] | ['trimmed'] | ['ok', number, StreamRow[]];
    try {
      reply = await runScript(cmdClient, RANGE, keys, [
        epoch,
        String(after),
        ...(count !== undefined ? [String(count)] : []),
      ]);
    } catch (e) {
      // close() ends reads in flight on purpose (its clients are leaving): not an outage. A read
      // on a connection that is down is the outage already reported once by the connection, not
      // once more per resume and retry.
      if (!closed && !isRedisError(e, CONNECTION_DOWN))
        report(
          new LogError(
            LogErrorCode.Unavailable,
            `cannot read the log for a resume (${(e as Error).message})`,
            { cause: e },
          ),
        );
      return { ok: false, reason: 'unavailable' };
    }
    if (reply[0] !== 'ok') return { ok: false, reason: reply[0] };
    const [, head, rows] = reply;
    const entries: LogEntry[] = [];
    for (const row of rows) {
      const entry = parseRow(row);
      // Missing (trimmed, deleted) or foreign entries break the proof that (after, head] is whole.
      if (entry === undefined || entry.seq !== after + entries.length + 1)
        return { ok: false, reason: 'trimmed' };
      // A caller reading in pieces (limit) gets the markers and decides what they mean.
      if (entry.kind === 'reset' && count === undefined) return { ok: false, reason: 'reset' };
      entries.push(entry);
    }
    return entries.length === Math.min(count ?? Infinity, head - after)
      ? { ok: true, head, entries }
      : { ok: false, reason: 'trimmed' };
  }

  let tailStarted = false;
  let tailer: LogTail | undefined;

  /** Resolves with `p`, or after `ms` (undefined), whichever comes first. */
  async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        p,
        new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms))),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function settle(): Promise<void> {
    const until = Date.now() + closeTimeout;
    await within(queue.idle(), closeTimeout);
    if (closed || tailer === undefined || cmdClient?.isReady !== true) return;
    let meta: (string | null)[];
    try {
      meta = await cmdClient.sendCommand<(string | null)[]>(['HMGET', keys[0], 'epoch', 'seq']);
    } catch {
      return; // Redis away: its clients resume elsewhere from the log, as after a crash.
    }
    const [epoch, seq] = meta;
    if (epoch === null || seq === null) return;
    await within(tailer.reached({ epoch, seq: Number(seq) }), until - Date.now());
  }

  return {
    append: (batch) => queue.push('d', batch),
    appendReset: (reason) => queue.push('r', [reason]),
    async tail(handler) {
      if (tailStarted)
        throw new LogError(LogErrorCode.InvalidOption, 'tail() may be called once per log');
      tailStarted = true;
      const { tail } = await connecting;
      tailer = new LogTail(
        {
          sendCommand: (args) => tail.sendCommand(args),
          isReady: () => tail.isReady,
          whenReady: () => whenReady(tail),
          pause,
          isClosed: () => closed,
          keys,
          blockMs,
          openArgs,
          report,
          onGap: () => gaps++,
        },
        handler,
      );
      return tailer.start();
    },
    readRange,
    flush: () => queue.idle(),
    settle,
    stats: () => ({
      appended: queue.appended,
      dropped: queue.dropped,
      pending: queue.size,
      gaps,
      connected: created.length === 2 && created.every((c) => c.isReady),
    }),
    close: () => (closing ??= close()),
  };

  async function close(): Promise<void> {
    await within(queue.idle(), closeTimeout);
    // Nobody else knows these existed, so nobody can append a marker for them: say so.
    if (queue.size > 0)
      report(
        new LogError(
          LogErrorCode.AppendLost,
          `closed with ${queue.size} record(s) not appended after ${closeTimeout} ms; clients on other instances are not told about them`,
        ),
      );
    closed = true;
    queue.close();
    for (const done of waits) done();
    // destroy(): a blocked XREAD would hold close() for up to blockMs; nothing in flight is needed now.
    for (const c of created) if (c.isOpen) c.destroy();
  }
}
