/**
 * Spec helpers: real servers on port 0, real `ws` clients, a bounded wait instead of sleeps,
 * and one cleanup list drained in afterEach so nothing outlives its spec.
 */
import {
  decodeServerFrame,
  encodeFrame,
  type ClientFrame,
  type ServerFrame,
} from '@changefeed/protocol';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { createNotifier, type Notifier } from '../create-notifier.js';
import type { NotifierOptions } from '../options.js';

const cleanups: (() => unknown)[] = [];

/** Registers teardown; call `useCleanup()` once at the top of a describe. */
export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn);
}

/**
 * Gives every spec (and hook) of the enclosing describe `ms` instead of Jasmine's 5 s: for specs
 * that wait on real services, which a loaded machine makes slow. Call it before other hooks:
 * Jasmine runs afterAll hooks last-declared first, so the default comes back after them.
 */
export function useSpecTimeout(ms: number): void {
  let previous: number;
  beforeAll(() => {
    previous = jasmine.DEFAULT_TIMEOUT_INTERVAL;
    jasmine.DEFAULT_TIMEOUT_INTERVAL = ms;
  });
  afterAll(() => {
    jasmine.DEFAULT_TIMEOUT_INTERVAL = previous;
  });
}

export function useCleanup(): void {
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
}

/** Polls `condition` until it holds; fails with `what` (and `detail()`) after `ms`. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  ms = 5_000,
  detail?: () => string,
): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}${detail ? `; ${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface Started {
  notifier: Notifier;
  server: Server;
  port: number;
  url: string;
  http: string;
}

/** A notifier attached to an http.Server on 127.0.0.1:0, closed after the spec. */
export async function startNotifier(
  options: Omit<NotifierOptions, 'server' | 'port'> = {},
): Promise<Started> {
  const server = createServer((req, res) => {
    if (!notifier.handleRequest(req, res)) res.writeHead(404).end();
  });
  const notifier = createNotifier({ server, ...options });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onCleanup(async () => {
    await notifier.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  await notifier.ready;
  const port = (server.address() as AddressInfo).port;
  return {
    notifier,
    server,
    port,
    url: `ws://127.0.0.1:${port}${options.path ?? '/ws'}`,
    http: `http://127.0.0.1:${port}`,
  };
}

/** A recording client. */
export class TestClient {
  readonly frames: ServerFrame[] = [];
  readonly malformed: string[] = [];
  closeCode: number | undefined;
  closeReason = '';
  unexpected: { status: number } | undefined;
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;

  constructor(readonly ws: WebSocket) {
    ws.on('error', () => {});
    ws.on('message', (data: Buffer) => {
      const r = decodeServerFrame(data.toString('utf8'));
      if (r.ok) this.frames.push(r.frame);
      else this.malformed.push(data.toString('utf8').slice(0, 200));
    });
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => {
        this.unexpected = { status: res.statusCode ?? 0 };
        reject(new Error(`upgrade refused with HTTP ${res.statusCode}`));
      });
      ws.once('close', () => reject(new Error('closed before open')));
    });
    this.opened.catch(() => {});
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        this.closeReason = reason.toString('utf8');
        resolve((this.closeCode = code));
      }),
    );
  }

  send(frame: ClientFrame | Record<string, unknown>): void {
    this.ws.send(encodeFrame(frame as ClientFrame));
  }

  raw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** Notifications received (frames with a collection). */
  get notifications() {
    return this.frames.filter(
      (f): f is Extract<ServerFrame, { collection: string }> =>
        typeof (f as { collection?: unknown }).collection === 'string',
    );
  }

  ofType<T extends string>(type: T) {
    return this.frames.filter(
      (f) => (f as { type?: unknown }).type === type && !('collection' in f),
    ) as Extract<ServerFrame, { type: T }>[];
  }

  async next<T extends string>(type: T, count = 1): Promise<Extract<ServerFrame, { type: T }>> {
    await waitFor(
      () => this.ofType(type).length >= count,
      `${count}× "${type}" frame`,
      5_000,
      () => `got ${JSON.stringify(this.frames).slice(0, 500)}`,
    );
    return this.ofType(type)[count - 1];
  }

  async waitNotifications(count: number): Promise<void> {
    await waitFor(
      () => this.notifications.length >= count,
      `${count} notifications`,
      10_000,
      () => `got ${this.notifications.length}`,
    );
  }

  seqs(): number[] {
    return this.notifications.map((n) => n.seq as number);
  }
}

/** Connects a client (closed after the spec). */
export function connect(url: string, options: WebSocket.ClientOptions = {}): TestClient {
  const ws = new WebSocket(url, options);
  const client = new TestClient(ws);
  onCleanup(() => {
    if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
  });
  return client;
}

/** Connects, waits for welcome, subscribes and waits for the acknowledgement. */
export async function subscribed(
  url: string,
  collections: string[],
  extra: { ids?: (string | number)[] } = {},
): Promise<TestClient> {
  const c = connect(url);
  await c.next('welcome');
  c.send({ type: 'subscribe', collections, ...extra });
  await c.next('subscribed');
  return c;
}
