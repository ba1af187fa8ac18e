/**
 * Continuity across the faults a cluster lives through, seen by a client that behaves as
 * @changefeed/angular does (docs/protocol.md, connection lifecycle): it learns the epoch from
 * `welcome`, resumes from the highest seq it has seen in that epoch, drops any seq at or below it,
 * and turns an epoch change into a reset. Real notifiers (one in a child process, for kill -9), the
 * real Redis, real sockets.
 */
import type { ServerFrame } from '@changefeed/protocol';
import { ChildNotifier } from '../testing/child-notifier.js';
import {
  connect,
  onCleanup as onSpecCleanup,
  startNotifier,
  useCleanup,
  useSpecTimeout,
  waitFor,
  type Started,
  type TestClient,
} from '../testing/helpers.js';
import {
  adminClient,
  openLog,
  REDIS_URL,
  uniquePrefix,
  useRedisCleanup,
} from './redis-fixture.spec.js';

type Notified = Extract<ServerFrame, { collection: string }>;

/** The SDK's bookkeeping, over one connection after another. */
class SdkLikeClient {
  epoch: string | undefined;
  lastSeq = 0;
  /** Notifications accepted (not dropped as duplicates), with the epoch they came in. */
  readonly received: (Notified & { epoch: string })[] = [];
  /** `reset` frames, and the resets an epoch change raises. */
  resets = 0;
  connection: TestClient | undefined;

  constructor(private readonly collections: string[]) {}

  /** Connects to `url`: subscribes, and resumes when it was connected to the same epoch before. */
  async connect(url: string): Promise<void> {
    const c = connect(url);
    this.connection = c;
    c.ws.on('message', () => this.take(c));
    const welcome = await c.next('welcome');
    const resume = welcome.epoch === this.epoch && this.epoch !== undefined;
    if (this.epoch !== undefined && !resume) this.resets++;
    if (!resume) this.lastSeq = 0;
    this.epoch = welcome.epoch;
    if (resume) c.send({ type: 'resume', epoch: this.epoch, after: this.lastSeq, subscribes: 1 });
    c.send({ type: 'subscribe', collections: this.collections });
    await c.next('subscribed');
  }

  private seen = new WeakMap<TestClient, number>();

  /** Frames the connection recorded since the last look. */
  private take(c: TestClient): void {
    // TestClient records the frame in its own 'message' listener, registered before this one.
    const from = this.seen.get(c) ?? 0;
    this.seen.set(c, c.frames.length);
    for (const f of c.frames.slice(from)) {
      if ('collection' in f) {
        const seq = f.seq as number;
        if (seq <= this.lastSeq) continue; // what the SDK does with a seq it has seen
        this.lastSeq = seq;
        this.received.push({ ...f, epoch: this.epoch! });
      } else if (f.type === 'reset') this.resets++;
    }
  }

  ids(): unknown[] {
    return this.received.map((n) => n.id);
  }

  async receive(count: number): Promise<void> {
    await waitFor(
      () => this.received.length >= count,
      `${count} notifications`,
      10_000,
      () => JSON.stringify(this.received.map((n) => `${n.epoch}:${n.seq}`)),
    );
  }
}

describe('cluster continuity (an SDK-like client, real Redis)', () => {
  useCleanup();
  useRedisCleanup();
  useSpecTimeout(30_000);

  async function instance(prefix: string): Promise<Started> {
    const { log } = openLog(prefix, { blockMs: 200 });
    return startNotifier({ cluster: log, onError: () => {} });
  }

  async function childInstance(prefix: string): Promise<{ child: ChildNotifier; url: string }> {
    const child = new ChildNotifier({ cluster: { url: REDIS_URL, prefix } });
    onSpecCleanup(() => child.close());
    return { child, url: `ws://127.0.0.1:${await child.ready()}/ws` };
  }

  /** A (a child process) and B on one log, and a client on A that has received seqs 1–3. */
  async function clientOnA() {
    const prefix = uniquePrefix();
    const a = await childInstance(prefix);
    const b = await instance(prefix);
    const client = new SdkLikeClient(['items']);
    await client.connect(a.url);
    a.child.send({ type: 'notify', collection: 'items', count: 3 });
    await client.receive(3);
    return { a, b, client };
  }

  it('A killed with SIGKILL: the client resumes on B with no reset and receives everything notified meanwhile', async () => {
    const { a, b, client } = await clientOnA();
    await a.child.close();
    expect(await client.connection!.closed).toBe(1006);
    b.notifier.notify({ collection: 'items', id: 'b1' });
    b.notifier.notify({ collection: 'items', id: 'b2' });
    await client.connect(b.url);
    await client.receive(5);
    expect(client.ids()).toEqual([0, 1, 2, 'b1', 'b2']);
    expect(client.received.map((n) => n.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(client.resets).toBe(0);
  });

  it('A closed gracefully: the client resumes on B with no reset and receives everything notified meanwhile', async () => {
    const { a, b, client } = await clientOnA();
    // Notified on A just before it goes, and on B while the client is away.
    a.child.send({ type: 'notify', collection: 'items', count: 2 });
    const exited = a.child.shutdown();
    expect(await client.connection!.closed).toBe(1001);
    await exited;
    b.notifier.notify({ collection: 'items', id: 'b1' });
    await client.connect(b.url);
    await client.receive(6);
    expect(client.ids()).toEqual([0, 1, 2, 0, 1, 'b1']);
    expect(client.received.map((n) => n.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(client.resets).toBe(0);
  });

  it('the log’s keys deleted: the client is closed 1001, comes back to the new epoch and receives its seqs from 1 (not dropped as seen)', async () => {
    const prefix = uniquePrefix();
    const a = await instance(prefix);
    const client = new SdkLikeClient(['items']);
    await client.connect(a.url);
    for (let i = 1; i <= 3; i++) a.notifier.notify({ collection: 'items', id: `old${i}` });
    await client.receive(3);
    const old = client.epoch;
    const admin = await adminClient();
    await admin.del([`{${prefix}}:meta`, `{${prefix}}:log`]);
    const before = client.connection!;
    await waitFor(
      () => before.closeCode !== undefined,
      'the connection to be closed',
      5_000,
      () => `it got ${JSON.stringify(before.frames.slice(-2))} and stays open`,
    );
    expect(before.closeCode).toBe(1001);
    await client.connect(a.url);
    expect(client.epoch).not.toBe(old);
    // The epoch change is the one reset: the client refetches once.
    expect(client.resets).toBe(1);
    a.notifier.notify({ collection: 'items', id: 'new1' });
    a.notifier.notify({ collection: 'items', id: 'new2' });
    await client.receive(5);
    expect(client.received.slice(3).map((n) => [n.epoch, n.seq, n.id])).toEqual([
      [client.epoch, 1, 'new1'],
      [client.epoch, 2, 'new2'],
    ]);
  });
});
