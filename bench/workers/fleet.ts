/**
 * A fleet of WebSocket clients in one process (the "second process" of every scenario).
 *
 * kinds:
 *  - `changefeed`: speaks protocol v1 the way the SDK does (welcome → resume with epoch + lastSeq
 *    ahead of its one subscribe; a new epoch or a `reset` frame is a reset; drops seq ≤ lastSeq),
 *    and reconnects by the SDK's own ReconnectPolicy (projects/angular/src/lib/reconnect-policy.ts),
 *    the module WebSocketService decides with, over the SDK's defaults (NOTIFICATIONS_DEFAULTS).
 *    The rest of the SDK is Angular code for the browser; 10,000 copies of it do not fit in one
 *    process, so this fleet mirrors its wire behaviour (commit-to-browser and bench:client run
 *    the real SDK).
 *  - `ws`: a bare `ws` client; every message is a notification.
 *  - `socket.io`: socket.io-client, websocket transport only (the fastest way to run it);
 *  - `socket.io-raw`: a bare `ws` client speaking Engine.IO 4 / Socket.IO 5 on the websocket
 *    transport (open → `40` → events `42[...]`, ping `2` → pong `3`).
 *
 * Each notification may carry `t` (monoMs at send); its delivery latency is recorded.
 * With `lean`, notifications are not JSON-parsed: `t` is read from the text. In a real
 * deployment every client is a browser with its own CPU; here 1,000 clients share one core, and
 * without this the fleet, not the server, would set the fan-out figures. Every peer gets the
 * same treatment (the raw socket.io client instead of socket.io-client, for the same reason).
 */
import WebSocket from 'ws';
import { io, type Socket } from 'socket.io-client';
import { expectAndCollect, serveWorker, emit } from '../lib/worker.ts';
import { monoMs } from '../lib/clock.ts';
import { summarize } from '../lib/stats.ts';
import { NOTIFICATIONS_DEFAULTS } from '../../projects/angular/src/lib/notifications-defaults.ts';
import { ReconnectPolicy } from '../../projects/angular/src/lib/reconnect-policy.ts';
import type { ReconnectOptions } from '../../projects/angular/src/lib/reconnect-options.ts';

type Kind = 'changefeed' | 'ws' | 'socket.io' | 'socket.io-raw';

interface ConnectArgs {
  kind: Kind;
  url: string;
  /**
   * Several instances (cluster): client i connects first to urls[i % n], and each reconnect
   * dials another one (see pickUrl), as the SDK's url() function or a load balancer would.
   */
  urls?: string[];
  n: number;
  collections?: string[];
  /**
   * Client i subscribes to `spread[i % spread.length]` alone (instead of `collections`), as the
   * users of an app each watch their own page. Notifications may then carry `k`, their ordinal
   * within their collection (1, 2, …), so a client still sees a lost one as a skipped `k`.
   */
  spread?: string[];
  /**
   * Gives up a connect that has not opened in this many ms (then reconnects by the policy). Absent:
   * a reconnecting fleet gives up after the heartbeat's timeout, as the SDK does; any other waits
   * as long as the OS.
   */
  connectTimeoutMs?: number;
  addresses?: string[];
  /** Connects in flight at once during the initial ramp. */
  concurrency?: number;
  /**
   * Reconnect as the SDK does: withReconnect() options over the SDK's defaults (`{}` for the
   * defaults themselves). null or absent: no reconnects.
   */
  reconnect?: ReconnectOptions | null;
  timeoutMs?: number;
  lean?: boolean;
}

interface Client {
  i: number;
  /** How its last connection or attempt ended (close code and reason), for the status of clients not back. */
  lastClose?: string;
  ws?: WebSocket;
  io?: Socket;
  open: boolean;
  epoch?: string;
  lastSeq: number;
  /** The last `k` (ordinal within its collection) received; see ConnectArgs.spread. */
  lastK: number;
  welcomeSeq: number;
  subscribed: boolean;
  /** True once subscribed after the last (re)connect and caught up to the head announced in welcome. */
  resumed: boolean;
  resets: number;
  pendingReset?: boolean;
  /** The SDK's reconnect decision for this client, when the fleet reconnects. */
  policy?: ReconnectPolicy;
  /** When its last connect began (monoMs). */
  dialledAt?: number;
  /** When its socket opened (monoMs); 0 while none is open. */
  openedAt: number;
  received: number;
  connects: number;
  /** Connect attempts, for choosing among `urls`. */
  attempts: number;
  /** The index in `urls` of the instance dialled last. */
  urlAt?: number;
  /** A reset was received: the next seq may skip (the view refetched), not a loss. */
  afterReset?: boolean;
  /** Seqs skipped at the last notification, counted missing unless a reset follows. */
  pendingGap: number;
  timer?: NodeJS.Timeout;
}

let args: ConnectArgs;
let clients: Client[] = [];
let closing = false;

// Delivery accounting, reset by `expect`.
let lat = new Float64Array(0);
let latCount = 0;
let received = 0;
let firstAt = 0;
let lastAt = 0;

// Reconnect storm accounting, reset by `mark`.
let markAt = 0;
let connectTimes: number[] = [];
let resumeTimes: number[] = [];
let resetCount = 0;
let replayed = 0;
let dropped = 0;
/** Seqs skipped without a reset covering them: notifications lost. */
let missing = 0;

function onNotification(c: Client, n: any, now: number): void {
  if (typeof n.seq === 'number') {
    if (n.seq <= c.lastSeq) {
      dropped++; // duplicate (the SDK drops it too)
      return;
    }
    // A skip is a loss unless a reset covers it, before or right after (a live notification may
    // overtake the reset that answers a resume the server could not replay).
    missing += c.pendingGap;
    // With `k` (one collection of several per client), seqs skip by design: count skipped ks.
    const [at, last] = typeof n.k === 'number' ? [n.k, c.lastK] : [n.seq, c.lastSeq];
    c.pendingGap = at > last + 1 && last > 0 && !c.afterReset ? at - last - 1 : 0;
    c.afterReset = false;
    c.lastSeq = n.seq;
    if (typeof n.k === 'number') c.lastK = n.k;
  }
  // Seqs up to the head announced in welcome were sent before this connection: a replay.
  if (c.connects > 1 && typeof n.seq === 'number' && n.seq <= c.welcomeSeq) replayed++;
  c.received++;
  received++;
  if (firstAt === 0) firstAt = now;
  lastAt = now;
  if (typeof n.t === 'number' && latCount < lat.length) lat[latCount++] = now - n.t;
  checkResumed(c, now);
}

function checkResumed(c: Client, now: number): void {
  if (!c.resumed && c.subscribed && c.lastSeq >= c.welcomeSeq) {
    c.resumed = true;
    resumeTimes.push(now);
  }
}

function reset(c: Client, now: number): void {
  resetCount++;
  c.resets++;
  c.afterReset = true;
  c.pendingGap = 0;
  // A reset means "refetch": the view is current again, nothing to replay.
  c.lastSeq = Math.max(c.lastSeq, c.welcomeSeq);
  checkResumed(c, now);
}

/** The number after `"key":` in a JSON text, without parsing the rest. */
function numberAfter(raw: string, key: string): number | undefined {
  const at = raw.indexOf(key);
  return at < 0 ? undefined : parseFloat(raw.slice(at + key.length, at + key.length + 24));
}

function onLean(c: Client, raw: string, now: number): void {
  const seq = numberAfter(raw, '"seq":');
  if (seq !== undefined) {
    if (seq <= c.lastSeq) {
      dropped++;
      return;
    }
    c.lastSeq = seq;
  }
  c.received++;
  received++;
  if (firstAt === 0) firstAt = now;
  lastAt = now;
  const t = numberAfter(raw, '"t":');
  if (t !== undefined && latCount < lat.length) lat[latCount++] = now - t;
}

function onFrame(c: Client, raw: string): void {
  const now = monoMs();
  if (args.lean && raw.startsWith('{"collection"')) {
    // A reconnecting fleet keeps its seq accounting; only the text scan replaces JSON.parse.
    if (args.reconnect) return onNotification(c, { seq: numberAfter(raw, '"seq":'), k: numberAfter(raw, '"k":'), t: numberAfter(raw, '"t":') }, now);
    return onLean(c, raw, now);
  }
  let f: any;
  try {
    f = JSON.parse(raw);
  } catch {
    return;
  }
  if (args.kind !== 'changefeed' || typeof f.collection === 'string') return onNotification(c, f, now);
  switch (f.type) {
    case 'welcome': {
      const collections = args.spread ? [args.spread[c.i % args.spread.length]] : args.collections ?? ['bench'];
      c.welcomeSeq = f.seq;
      c.subscribed = false;
      c.resumed = false;
      const frames: unknown[] = [{ type: 'subscribe', collections }];
      const sameEpoch = c.epoch !== undefined && c.epoch === f.epoch;
      // As the SDK does: the resume first, waiting for the one subscribe that follows.
      if (sameEpoch) frames.unshift({ type: 'resume', epoch: f.epoch, after: c.lastSeq, subscribes: 1 });
      for (const fr of frames) c.ws!.send(JSON.stringify(fr));
      if (c.epoch !== undefined && !sameEpoch) {
        // New epoch (server restarted): the SDK emits a synthetic reset per active collection
        // once the server confirms it (a refetch before could miss a change).
        c.lastSeq = f.seq;
        c.epoch = f.epoch;
        c.pendingReset = true;
        return;
      }
      if (c.epoch === undefined) c.lastSeq = f.seq;
      c.epoch = f.epoch;
      return;
    }
    case 'subscribed':
      c.subscribed = true;
      if (c.pendingReset) {
        c.pendingReset = false;
        reset(c, now);
      }
      checkResumed(c, now);
      return;
    case 'reset':
      reset(c, now);
      return;
    default:
      return;
  }
}

/**
 * Client i dials urls[i % n] first; each reconnect dials another instance at random, as a load
 * balancer spreads the clients of a restarted instance over the others (always "the next one"
 * would move all of them, and then everybody, onto one instance).
 */
function pickUrl(c: Client, urls: string[]): string {
  const at = c.attempts++ === 0 || urls.length === 1 ? c.i % urls.length : (c.urlAt! + 1 + Math.floor(Math.random() * (urls.length - 1))) % urls.length;
  c.urlAt = at;
  return urls[at];
}

function connect(c: Client): Promise<void> {
  return new Promise((resolve) => {
    let settled = false;
    const done = () => {
      if (!settled) {
        settled = true;
        resolve();
      }
    };
    const localAddress = args.addresses?.length ? args.addresses[c.i % args.addresses.length] : undefined;
    if (args.kind === 'socket.io') {
      const s = io(args.url, { transports: ['websocket'], forceNew: true, reconnection: false, localAddress } as any);
      c.io = s;
      s.on('connect', () => {
        c.open = true;
        c.connects++;
        done();
      });
      s.on('n', (n: any) => onNotification(c, n, monoMs()));
      s.on('connect_error', () => done());
      s.on('disconnect', () => {
        c.open = false;
      });
      return;
    }
    if (args.kind === 'socket.io-raw') {
      const ws = new WebSocket(`${args.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false, localAddress });
      c.ws = ws;
      ws.on('error', () => {});
      ws.on('message', (data: Buffer) => {
        const raw = data.toString();
        if (raw.startsWith('42')) {
          const now = monoMs();
          if (args.lean) return onLean(c, raw, now);
          const [, n] = JSON.parse(raw.slice(2));
          return onNotification(c, n, now);
        }
        if (raw === '2') return ws.send('3');
        if (raw.startsWith('0')) return ws.send('40');
        if (raw.startsWith('40')) {
          c.open = true;
          c.connects++;
          done();
        }
      });
      ws.on('close', () => {
        c.open = false;
        done();
      });
      return;
    }
    const url = args.urls?.length ? pickUrl(c, args.urls) : args.url;
    const handshakeTimeout = args.connectTimeoutMs ?? (args.reconnect ? NOTIFICATIONS_DEFAULTS.heartbeat.timeout : undefined);
    const ws = new WebSocket(url, { perMessageDeflate: false, localAddress, ...(handshakeTimeout ? { handshakeTimeout } : {}) });
    c.ws = ws;
    c.dialledAt = monoMs();
    ws.on('error', () => {
      // Every socket has an error listener; a refused connect also ends in 'close'.
    });
    ws.on('open', () => {
      c.open = true;
      c.connects++;
      c.openedAt = monoMs();
      connectTimes.push(c.openedAt);
      if (args.kind !== 'changefeed') done();
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      onFrame(c, isBinary ? data.toString() : data.toString());
      if (c.subscribed) done();
    });
    ws.on('close', (code: number, reason: Buffer) => {
      c.open = false;
      c.subscribed = false;
      c.lastClose = `${code}${reason.length ? ` ${reason.toString()}` : ''}${c.openedAt ? '' : ' (never opened)'}`;
      done();
      const openFor = c.openedAt ? monoMs() - c.openedAt : undefined;
      c.openedAt = 0;
      if (closing || !c.policy) return;
      // Every client counts as a visible page: the shortest delays, so the storm at its worst.
      const next = c.policy.lost(code, reason.toString(), openFor, true);
      if (next.retry) c.timer = setTimeout(() => void connect(c), next.delay);
    });
  });
}

async function connectAll(a: ConnectArgs): Promise<unknown> {
  args = a;
  closing = false;
  clients = Array.from({ length: a.n }, (_, i) => ({
    i,
    open: false,
    lastSeq: 0,
    lastK: 0,
    welcomeSeq: 0,
    subscribed: false,
    resumed: false,
    resets: 0,
    policy: a.reconnect ? new ReconnectPolicy({ ...NOTIFICATIONS_DEFAULTS.reconnect, ...a.reconnect }, Math.random) : undefined,
    openedAt: 0,
    received: 0,
    connects: 0,
    attempts: 0,
    pendingGap: 0,
  }));
  const started = monoMs();
  const concurrency = a.concurrency ?? 256;
  let next = 0;
  const lane = async () => {
    while (next < clients.length) await connect(clients[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, clients.length) }, lane));
  const ready = clients.filter((c) => c.open && (a.kind !== 'changefeed' || c.subscribed)).length;
  return { ready, ms: monoMs() - started };
}

function expect(a: { perClient: number; timeoutMs: number; sample?: number }): Promise<unknown> {
  const expected = clients.length * a.perClient;
  lat = new Float64Array(Math.min(expected, a.sample ?? expected));
  latCount = 0;
  received = 0;
  firstAt = 0;
  lastAt = 0;
  for (const c of clients) c.received = 0;
  return new Promise((resolve) => {
    const started = monoMs();
    const check = setInterval(() => {
      const timedOut = monoMs() - started > a.timeoutMs;
      if (received >= expected || timedOut) {
        clearInterval(check);
        resolve({ expected, received, firstAt, lastAt, latency: summarize(lat, latCount) });
      }
    }, 2);
  });
}

serveWorker(
  {
    connect: connectAll,
    /** `expect` starts the latency/throughput accounting; `collect` answers with it. */
    ...expectAndCollect(expect),
    /** Zero the reconnect accounting and remember when the storm began. */
    mark: () => {
      markAt = monoMs();
      connectTimes = [];
      resumeTimes = [];
      resetCount = 0;
      replayed = 0;
      dropped = 0;
      missing = 0;
      for (const c of clients) c.resumed = false;
      return { markAt };
    },
    /** Drop every connection from this side at once, as a restarting proxy does (1006). */
    drop: () => {
      for (const c of clients) {
        c.resumed = false;
        c.ws?.terminate();
      }
      return { droppedAt: monoMs() };
    },
    storm: () => ({
      markAt,
      open: clients.filter((c) => c.open).length,
      resumed: clients.filter((c) => c.resumed).length,
      connectTimes,
      resumeTimes,
      resets: resetCount,
      replayed,
      duplicates: dropped,
      missing,
    }),
    /** Seqs each client lacks below `head` (the last seq sent) without a reset covering them, plus the gaps seen. */
    /** With `lastK` (spread fleets): the last k notified per collection, instead of the head's seq. */
    tally: (a: { head: number; lastK?: Record<string, number> }) => {
      const behindBy = (c: Client) => (a.lastK && args.spread ? (a.lastK[args.spread[c.i % args.spread.length]] ?? 0) - c.lastK : a.head - c.lastSeq);
      return {
      missing: missing + clients.reduce((sum, c) => sum + c.pendingGap + (c.afterReset ? 0 : Math.max(0, behindBy(c))), 0),
      behind: clients.filter((c) => behindBy(c) > 0).length,
      /** The furthest behind: how far, its reconnects and received count, for the log. */
      worst: clients.reduce((w, c) => (behindBy(c) > w.by ? { by: behindBy(c), connects: c.connects, received: c.received, open: c.open, subscribed: c.subscribed } : w), { by: 0, connects: 0, received: 0, open: false, subscribed: false }),
      resets: resetCount,
      duplicates: dropped,
      };
    },
    status: () => {
      const now = monoMs();
      return {
        open: clients.filter((c) => c.open).length,
        subscribed: clients.filter((c) => c.subscribed).length,
        received,
        /** Sockets still connecting after 5 s (a stuck connect), and clients waiting out a backoff. */
        stuck: clients.filter((c) => c.ws?.readyState === WebSocket.CONNECTING && now - (c.dialledAt ?? now) > 5_000).length,
        waiting: clients.filter((c) => !c.ws || c.ws.readyState === WebSocket.CLOSED).length,
        /** How the waiting ones' last attempts ended, by count. */
        waitingAfter: countBy(clients.filter((c) => !c.ws || c.ws.readyState === WebSocket.CLOSED).map((c) => c.lastClose ?? 'never dialled')),
      };
    },
    rss: () => process.memoryUsage.rss(),
    close: async () => {
      closing = true;
      for (const c of clients) {
        clearTimeout(c.timer);
        c.ws?.terminate();
        c.io?.disconnect();
      }
      clients = [];
      return true;
    },
  },
  () => {
    closing = true;
    for (const c of clients) c.ws?.terminate();
  },
);

void emit;

function countBy(keys: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const k of keys) counts[k] = (counts[k] ?? 0) + 1;
  return counts;
}
