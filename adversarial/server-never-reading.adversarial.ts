/**
 * A client that never reads, on every path that can queue bytes for it: live notifications,
 * a replay on resume, control replies, an SSE stream and an SSE replay. Each is cut off at the one
 * `maxBuffered` bound (counted in `drops`) and the notifier's memory after a forced GC stays
 * bounded, whatever the client asked for.
 */
import net from 'node:net';
import { ChildNotifier } from '../projects/server/src/testing/child-notifier.ts';
import { RawWsClient } from '../projects/server/src/testing/raw-ws-client.ts';
import { tally } from './lib/tally.ts';

const MAX_BUFFERED = 256 * 1024;
/**
 * What the process may hold over its baseline once a stuck client is cut off: live objects and
 * buffers after a forced GC (the precise measure), and RSS, which also keeps the allocator's
 * high-water mark of serialising the flood. The live bound leaves room for what the notifier
 * legitimately holds beyond the baseline — the replay buffer refilled by the floods, up to
 * ~16 MiB with its frames (a clean-clone run measured 24.02 MiB once) — and stays far below what
 * a queue without the bound holds: the whole flood, 75–96 MiB (measured: ~94 MiB).
 */
const LIVE_BOUND = 40 * 2 ** 20;
const RSS_BOUND = 160 * 2 ** 20;
const DATA = 'x'.repeat(8 * 1024);
/** The replay buffer: small, so what it legitimately holds (≤ 16 MiB with frames) stays far below the bound. */
const RETAINED = 1_000;
/** Notified at a stuck reader: 96 MiB, far above the bound, so an unbounded queue would show. */
const FLOOD = 12_000;

describe('server: never-reading clients', () => {
  let child: ChildNotifier;
  let port: number;
  let baseline: { rss: number; live: number };

  beforeAll(async () => {
    child = new ChildNotifier({
      options: {
        maxBuffered: MAX_BUFFERED,
        retention: { count: RETAINED },
        rateLimit: { commands: 1_000_000, perMs: 1_000 },
      },
    });
    port = await child.ready();
    // Fill the replay buffer first: what it holds is the notifier's, not a stuck client's.
    child.send({ type: 'notify', collection: 'warm-up', count: RETAINED, data: DATA });
    await child.stats(); // after the fan-out turn that serialises them
    const stats = await child.stats();
    baseline = { rss: stats.rss, live: stats.heapUsed + stats.external };
  }, 30_000);
  afterAll(() => child.close());

  /** Notifies in bursts of 100 (one turn each), as a busy app would: the burst itself stays small. */
  function flood(collection: string, count: number): void {
    for (let i = 0; i < count; i += 100)
      child.send({ type: 'notify', collection, count: 100, data: DATA });
  }

  async function drops(): Promise<number> {
    return (await child.stats()).metrics['drops'];
  }

  /** Waits until the notifier has dropped one more connection, and checks its memory. */
  async function expectCutOff(before: number, what: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    let stats = await child.stats();
    while (stats.metrics['drops'] <= before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      stats = await child.stats();
    }
    expect(stats.metrics['drops'])
      .withContext(`${what}: drops`)
      .toBe(before + 1);
    const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
    expect(stats.heapUsed + stats.external - baseline.live)
      .withContext(
        `${what}: heap + buffers over baseline, ${mib(stats.heapUsed + stats.external - baseline.live)}`,
      )
      .toBeLessThan(LIVE_BOUND);
    expect(stats.rss - baseline.rss)
      .withContext(`${what}: RSS over baseline, ${mib(stats.rss - baseline.rss)}`)
      .toBeLessThan(RSS_BOUND);
    expect(child.alive).toBeTrue();
    tally('server: never-reading clients cut off');
  }

  async function stuckSubscriber(collections: string[]): Promise<RawWsClient> {
    const { client } = await RawWsClient.open(port);
    client.frame(JSON.stringify({ type: 'subscribe', collections }));
    await client.until(() => client.texts().some((t) => t.includes('"subscribed"')), 'subscribed');
    client.stopReading();
    return client;
  }

  it('live notifications', async () => {
    const before = await drops();
    const c = await stuckSubscriber(['live']);
    flood('live', FLOOD);
    await expectCutOff(before, 'live notifications');
    c.destroy();
  }, 30_000);

  it('a replay on resume', async () => {
    child.send({ type: 'notify', collection: 'replay', count: RETAINED, data: DATA });
    const { client } = await RawWsClient.open(port);
    await client.until(() => client.texts().length >= 1, 'welcome');
    // Resume from just before them: all still in the replay buffer.
    const { epoch, seq } = JSON.parse(client.texts()[0]) as { epoch: string; seq: number };
    client.frame(JSON.stringify({ type: 'subscribe', collections: ['replay'] }));
    await client.until(() => client.texts().length >= 2, 'subscribed');
    client.stopReading();
    const before = await drops();
    client.frame(JSON.stringify({ type: 'resume', epoch, after: seq - RETAINED }));
    await expectCutOff(before, 'replay on resume');
    client.destroy();
  }, 30_000);

  it('control replies (a subscribe flood echoing ~50 KB of ids each)', async () => {
    const before = await drops();
    const { client } = await RawWsClient.open(port);
    client.stopReading();
    const frame = JSON.stringify({
      type: 'subscribe',
      collections: ['ctl'],
      ids: Array.from({ length: 1_000 }, (_, i) => `${i}`.padStart(48, 'x')),
    });
    for (let i = 0; i < 1_500; i++) client.frame(frame);
    tally('server: control-reply flood frames', 1_500);
    await expectCutOff(before, 'control replies');
    client.destroy();
  }, 30_000);

  /** An SSE GET whose reader stops at once. */
  async function stuckSse(path: string, headers = ''): Promise<net.Socket> {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    await new Promise((r) => socket.once('connect', r));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${headers}\r\n`);
    socket.pause();
    return socket;
  }

  it('an SSE stream', async () => {
    const before = await drops();
    const s = await stuckSse('/events?collections=sse');
    await new Promise((r) => setTimeout(r, 100));
    flood('sse', FLOOD);
    await expectCutOff(before, 'SSE stream');
    s.destroy();
  }, 30_000);

  it('an SSE replay after Last-Event-ID', async () => {
    child.send({ type: 'notify', collection: 'ssereplay', count: RETAINED, data: DATA });
    const { client } = await RawWsClient.open(port);
    await client.until(() => client.texts().length >= 1, 'welcome');
    const { epoch, seq } = JSON.parse(client.texts()[0]) as { epoch: string; seq: number };
    client.destroy();
    const before = await drops();
    const s = await stuckSse(
      '/events?collections=ssereplay',
      `Last-Event-ID: ${epoch}:${seq - RETAINED}\r\n`,
    );
    await expectCutOff(before, 'SSE replay');
    s.destroy();
  }, 30_000);
});
