/**
 * A fleet of raw WebSocket clients (raw-client.ts) in one process: the receiving side of the
 * fan-out figures (`npm run bench -- fanout`, `npm run bench:server`). Several fleets can split
 * the clients between processes, so that 1,000 clients are not held to one core while the
 * server they measure gets another; `collect` returns the raw latency samples so the caller
 * merges fleets before taking percentiles.
 *
 * kinds (as bench/lib/peers.ts names them):
 *  - `changefeed`: protocol v1: welcome → subscribe → `subscribed`; a seq at or below the last one
 *    is a duplicate and not counted (the SDK drops it too);
 *  - `ws`: every text message is a notification;
 *  - `socket.io-raw`: Engine.IO 4 / Socket.IO 5 on the websocket transport: open `0…` → `40`,
 *    events `42[…]`, ping `2` → pong `3`.
 *
 * Every notification is received whole and read for `seq` and `t` (monoMs at notify()); the
 * rest of its JSON is not parsed, as workers/fleet.ts does with `lean`, for every peer alike.
 * Latency is receipt (monoMs when the read returned) minus `t`.
 *
 * Commands (bench/lib/worker.ts): connect {kind, url, n, concurrency?, addresses?} → {ready, ms};
 * expect {perClient, timeoutMs, sample?} → {armed}; collect → Collected; close.
 */
import { expectAndCollect, serveWorker } from '../lib/worker.ts';
import { monoMs } from '../lib/clock.ts';
import { openRawClient, type RawClient } from './raw-client.ts';

type Kind = 'changefeed' | 'ws' | 'socket.io-raw';

export interface FleetCollected {
  expected: number;
  received: number;
  firstAt: number;
  lastAt: number;
  /** Float32Array of latencies (ms), base64: IPC is JSON, and a million numbers as text is slow. */
  latencies: string;
}

let clients: RawClient[] = [];
let lastSeq: number[] = [];
let lat = new Float32Array(0);
let latCount = 0;
let received = 0;
let duplicates = 0;
let firstAt = 0;
let lastAt = 0;

/** The JSON number at buf[i…) (the bytes after `"key":`); NaN if there is none. */
function numberAt(buf: Buffer, i: number, end: number): number {
  const from = i;
  let sign = 1;
  if (buf[i] === 0x2d) {
    sign = -1;
    i++;
  }
  let v = 0;
  let c = buf[i];
  if (i >= end || c < 0x30 || c > 0x39) return NaN;
  for (; i < end && (c = buf[i]) >= 0x30 && c <= 0x39; i++) v = v * 10 + (c - 0x30);
  if (c === 0x2e) {
    let scale = 1;
    for (i++; i < end && (c = buf[i]) >= 0x30 && c <= 0x39; i++) {
      v = v * 10 + (c - 0x30);
      scale *= 10;
    }
    v /= scale;
  }
  // An exponent (never in these payloads, but valid JSON): let the full parser have it.
  if (c === 0x65 || c === 0x45) return parseFloat(buf.toString('latin1', from, Math.min(end, from + 32)));
  return sign * v;
}

/**
 * Reads `"seq":` and `"t":` from a notification's JSON bytes in one pass, without decoding the
 * rest (as workers/fleet.ts's `lean` reads them from the text). In valid JSON a quote inside a
 * string is escaped, so these byte sequences can only be keys.
 */
function notification(i: number, buf: Buffer, start: number, end: number, at: number): void {
  let seq = NaN;
  let t = NaN;
  for (let k = start; k + 4 < end; k++) {
    if (buf[k] !== 0x22) continue;
    const c = buf[k + 1];
    if (c === 0x74 && buf[k + 2] === 0x22 && buf[k + 3] === 0x3a) t = numberAt(buf, k + 4, end);
    else if (c === 0x73 && buf[k + 2] === 0x65 && buf[k + 3] === 0x71 && buf[k + 4] === 0x22 && buf[k + 5] === 0x3a) seq = numberAt(buf, k + 6, end);
  }
  if (seq === seq) {
    if (seq <= lastSeq[i]) {
      duplicates++;
      return;
    }
    lastSeq[i] = seq;
  }
  received++;
  if (firstAt === 0) firstAt = at;
  lastAt = at;
  if (t === t && latCount < lat.length) lat[latCount++] = at - t;
}

/** Does buf[start, end) begin with `prefix`? */
function startsWith(buf: Buffer, start: number, end: number, prefix: Buffer): boolean {
  if (end - start < prefix.length) return false;
  for (let k = 0; k < prefix.length; k++) if (buf[start + k] !== prefix[k]) return false;
  return true;
}

const COLLECTION = Buffer.from('{"collection"');
const EVENT = Buffer.from('42');

function open(kind: Kind, url: URL, i: number, address: string | undefined): Promise<void> {
  return new Promise((ready, fail) => {
    const path = kind === 'socket.io-raw' ? '/socket.io/?EIO=4&transport=websocket' : url.pathname + url.search;
    // A bare ws server sends nothing but notifications; the others confirm first.
    let live = kind === 'ws';
    const onText = (buf: Buffer, start: number, end: number, at: number, c: RawClient) => {
      if (live) {
        if (kind === 'ws') return notification(i, buf, start, end, at);
        if (startsWith(buf, start, end, kind === 'changefeed' ? COLLECTION : EVENT)) return notification(i, buf, start, end, at);
      }
      const raw = buf.toString('utf8', start, end);
      if (kind === 'socket.io-raw') {
        if (raw === '2') c.send('3');
        else if (raw.startsWith('40')) {
          live = true;
          ready();
        } else if (raw.startsWith('0')) c.send('40');
        return;
      }
      if (kind === 'ws') return;
      const f = JSON.parse(raw) as { type?: string; seq?: number };
      if (f.type === 'welcome') {
        lastSeq[i] = f.seq ?? 0;
        c.send('{"type":"subscribe","collections":["bench"]}');
      } else if (f.type === 'subscribed') {
        live = true;
        ready();
      }
    };
    openRawClient({ port: Number(url.port), host: url.hostname, path, localAddress: address, onText, onClose: () => ready() }).then(
      (c) => {
        clients.push(c);
        if (kind === 'ws') ready();
      },
      fail,
    );
  });
}

async function connect(a: { kind: Kind; url: string; n: number; concurrency?: number; addresses?: string[] }): Promise<{ ready: number; ms: number }> {
  const started = monoMs();
  const url = new URL(a.url.replace(/^http/, 'ws'));
  lastSeq = Array.from({ length: a.n }, () => 0);
  let next = 0;
  const lane = async () => {
    while (next < a.n) {
      const i = next++;
      await open(a.kind, url, i, a.addresses?.length ? a.addresses[i % a.addresses.length] : undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(a.concurrency ?? 200, a.n) }, lane));
  return { ready: clients.filter((c) => !c.socket.destroyed).length, ms: monoMs() - started };
}

function expect(a: { perClient: number; timeoutMs: number; sample?: number }): Promise<FleetCollected> {
  const expected = clients.length * a.perClient;
  lat = new Float32Array(Math.min(expected, a.sample ?? expected));
  latCount = received = duplicates = firstAt = lastAt = 0;
  const started = monoMs();
  return new Promise((resolve) => {
    const check = setInterval(() => {
      if (received < expected && monoMs() - started < a.timeoutMs) return;
      clearInterval(check);
      const latencies = Buffer.from(lat.buffer, 0, latCount * 4).toString('base64');
      resolve({ expected, received, firstAt, lastAt, latencies });
      // Only when to answer depends on this (receipt times are taken per read): wake up rarely.
    }, 20);
  });
}

serveWorker(
  {
    connect,
    ...expectAndCollect(expect),
    status: () => ({ open: clients.filter((c) => !c.socket.destroyed).length, received, duplicates }),
    close: () => {
      for (const c of clients) c.socket.destroy();
      clients = [];
      return true;
    },
  },
  () => {
    for (const c of clients) c.socket.destroy();
  },
);
