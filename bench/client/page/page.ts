/**
 * Runs inside headless Chromium (bundled by bench/client/browser.ts). Exposes `window.cfBench`:
 *  - dispatch(): per-notification cost with 10,000 subscriptions over 1,000 collections, through
 *    the real SDK (frames handed to NotificationService over a fake socket from
 *    withWebSocketFactory, so the cost is decode + dispatch, not the network) vs the naive
 *    pattern (one shared Subject, every subscriber runs `filter(n => n.collection === c)`);
 *  - coalesce(): refetches caused by a burst of 1,000 notifications, with and without
 *    coalesceNotifications();
 *  - liveBurst(): loads a liveResource() makes for the same burst;
 *  - live(): the real SDK on a real WebSocket, recording when each notification reaches the
 *    filterByCollection callback (commit-to-browser).
 */
import { provideZonelessChangeDetection, type ApplicationRef } from '@angular/core';
import { createApplication } from '@angular/platform-browser';
import { Subject, filter } from 'rxjs';
import {
  NotificationService,
  coalesceNotifications,
  liveResource,
  provideNotifications,
  withWebSocketFactory,
  withHeartbeat,
  type WebSocketLike,
} from '@changefeed/angular';

/** The part of a browser WebSocket the SDK uses, driven by the bench. */
class BenchSocket implements WebSocketLike {
  readyState = 0;
  onopen: ((e: Event) => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onclose: ((e: CloseEvent) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  readonly sent: any[] = [];
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  receive(data: string): void {
    this.onmessage?.({ data } as MessageEvent);
  }
}

const tick = (ms = 0) => new Promise<void>((r) => setTimeout(r, ms));

async function startFake(): Promise<{ app: ApplicationRef; svc: NotificationService; sockets: BenchSocket[] }> {
  const sockets: BenchSocket[] = [];
  const app = await createApplication({
    providers: [
      provideZonelessChangeDetection(),
      provideNotifications(
        { url: 'ws://bench.invalid/ws', linger: 0 },
        withWebSocketFactory(() => {
          const s = new BenchSocket();
          sockets.push(s);
          return s;
        }),
        withHeartbeat({ timeout: 3_600_000 } as any),
      ),
    ],
  });
  return { app, svc: app.injector.get(NotificationService), sockets };
}

/** Opens the fake socket, says welcome, and confirms every subscribe the SDK sent. */
async function handshake(sockets: BenchSocket[]): Promise<BenchSocket> {
  for (let i = 0; i < 200 && sockets.length === 0; i++) await tick(1);
  const s = sockets[0];
  if (!s) throw new Error('the SDK opened no socket');
  s.open();
  s.receive(JSON.stringify({ type: 'welcome', protocol: 1, epoch: 'bench', seq: 0, heartbeat: 3_600_000 }));
  await tick(1);
  for (const f of s.sent.filter((f) => f.type === 'subscribe')) s.receive(JSON.stringify({ type: 'subscribed', collections: f.collections, seq: 0 }));
  return s;
}

function frames(count: number, collections: number, seqFrom: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({ collection: `c${(i * 7919) % collections}`, op: 'update', id: i, seq: seqFrom + i }),
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

export interface DispatchResult {
  oursUs: number;
  naiveUs: number;
  oursRounds: number[];
  naiveRounds: number[];
  callbacks: { ours: number; naive: number };
  subscriptions: number;
  collections: number;
}

async function dispatch(opts: { subscriptions?: number; collections?: number; rounds?: number; oursPerRound?: number; naivePerRound?: number } = {}): Promise<DispatchResult> {
  const subscriptions = opts.subscriptions ?? 10_000;
  const collections = opts.collections ?? 1000;
  const rounds = opts.rounds ?? 7;
  const perCollection = subscriptions / collections;

  // Ours: the real NotificationService, 10 subscribers on each of 1,000 collections.
  const { app, svc, sockets } = await startFake();
  let oursCalls = 0;
  const subs = [];
  for (let c = 0; c < collections; c++) {
    for (let k = 0; k < perCollection; k++) subs.push(svc.filterByCollection(`c${c}`).subscribe(() => oursCalls++));
  }
  const socket = await handshake(sockets);
  // Each consumer subscribed before the handshake got one reset when confirmed (it cannot prove
  // it missed nothing before its subscription was live): the startup gap, not dispatch.
  oursCalls = 0;

  // Naive: one Subject for everything; every subscriber filters the whole stream.
  const all = new Subject<any>();
  let naiveCalls = 0;
  for (let c = 0; c < collections; c++) {
    const name = `c${c}`;
    for (let k = 0; k < perCollection; k++) subs.push(all.pipe(filter((n: any) => n.collection === name)).subscribe(() => naiveCalls++));
  }

  // Rounds alternate between the two, so whatever else the machine does hits both alike.
  const oursN = opts.oursPerRound ?? 20_000;
  const naiveN = opts.naivePerRound ?? 500;
  let seq = 1;
  const oursRounds: number[] = [];
  const naiveRounds: number[] = [];
  for (let r = 0; r < rounds + 1; r++) {
    const batch = frames(oursN, collections, seq);
    seq += oursN;
    let t0 = performance.now();
    for (let i = 0; i < batch.length; i++) socket.receive(batch[i]);
    let dt = performance.now() - t0;
    if (r > 0) oursRounds.push((dt * 1000) / oursN); // round 0 warms the JIT up
    await tick();

    const naiveBatch = frames(naiveN, collections, 0);
    t0 = performance.now();
    // The same work per frame as ours where it overlaps: parse, then hand to the stream.
    for (let i = 0; i < naiveBatch.length; i++) all.next(JSON.parse(naiveBatch[i]));
    dt = performance.now() - t0;
    if (r > 0) naiveRounds.push((dt * 1000) / naiveN);
    await tick();
  }
  for (const s of subs) s.unsubscribe();
  app.destroy();
  return {
    oursUs: median(oursRounds),
    naiveUs: median(naiveRounds),
    oursRounds,
    naiveRounds,
    callbacks: { ours: oursCalls / ((rounds + 1) * oursN * perCollection), naive: naiveCalls / ((rounds + 1) * naiveN * perCollection) },
    subscriptions,
    collections,
  };
}

async function coalesce(opts: { burst?: number; windowMs?: number } = {}): Promise<{ without: number; with: number; burst: number; windowMs: number }> {
  const burst = opts.burst ?? 1000;
  const windowMs = opts.windowMs ?? 50;
  const { app, svc, sockets } = await startFake();
  let plain = 0;
  let coalesced = 0;
  const a = svc.filterByCollection('orders').subscribe(() => plain++);
  const b = svc.filterByCollection('orders').pipe(coalesceNotifications(windowMs)).subscribe(() => coalesced++);
  const socket = await handshake(sockets);
  await sendBurst(socket, burst);
  await tick(windowMs * 4);
  a.unsubscribe();
  b.unsubscribe();
  app.destroy();
  return { without: plain, with: coalesced, burst, windowMs };
}

/** A burst of `orders` notifications as it arrives off the wire: 1,000 frames in 10 tasks over ~10 ms. */
async function sendBurst(socket: BenchSocket, burst: number): Promise<void> {
  const all = frames(burst, 1, 1).map((f) => f.replace('"c0"', '"orders"'));
  for (let i = 0; i < all.length; i += 100) {
    for (const f of all.slice(i, i + 100)) socket.receive(f);
    await tick(1);
  }
}

/** Loads a liveResource() on `orders` makes for a burst, its loader answering after 5 ms (a fast API). */
async function liveBurst(opts: { burst?: number } = {}): Promise<{ burst: number; loads: number }> {
  const burst = opts.burst ?? 1000;
  const { app, sockets } = await startFake();
  let loads = 0;
  const orders = liveResource({
    on: 'orders',
    loader: () => tick(5).then(() => ++loads),
    injector: app.injector,
  });
  const socket = await handshake(sockets);
  const settled = async () => {
    for (let i = 0; i < 400 && (orders.isLoading() || orders.status() === 'idle'); i++) await tick(5);
  };
  await settled();
  const before = loads;
  await sendBurst(socket, burst);
  // Past the coalescing window (50 ms), then until the last load is in.
  await tick(250);
  await settled();
  app.destroy();
  return { burst, loads: loads - before };
}

/** The real SDK on a real socket: records [id, wall-clock ms] per notification of `collection`. */
async function live(opts: { url: string; collection: string }): Promise<void> {
  const app = await createApplication({ providers: [provideZonelessChangeDetection(), provideNotifications({ url: opts.url })] });
  const svc = app.injector.get(NotificationService);
  const w = window as any;
  w.cfReceived = [];
  w.cfResets = 0;
  svc.filterByCollection(opts.collection).subscribe((n) => {
    const at = performance.timeOrigin + performance.now();
    if (n.op === 'reset') w.cfResets++;
    else w.cfReceived.push([n.id, at]);
  });
  const confirmed = svc.isConfirmed(opts.collection);
  for (let i = 0; i < 1000 && !confirmed(); i++) await tick(10);
  if (!confirmed()) throw new Error(`the server did not confirm ${opts.collection} within 10 s (state ${svc.state()})`);
}

/** Mean of (high-resolution wall clock − Date.now()) over `ms` of samples; see realtimeSkew() in Node. */
function realtimeSkew(ms = 60): number {
  let sum = 0;
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    sum += performance.timeOrigin + performance.now() - Date.now();
    n++;
  }
  return sum / n;
}

(window as any).cfBench = { dispatch, coalesce, liveBurst, live, realtimeSkew, now: () => performance.timeOrigin + performance.now() };
