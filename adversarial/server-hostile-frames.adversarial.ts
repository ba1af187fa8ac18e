/**
 * Hostile WebSocket frames of every kind against a notifier in its own process: each gets its
 * documented answer (docs/protocol.md, "What bad input gets"), the process never dies, and its
 * memory after a forced GC stays flat across rounds.
 */
import { CloseCode, Limits } from '@changefeed/protocol';
import { randomBytes } from 'node:crypto';
import invalidGolden from '../projects/protocol/golden/client-invalid.json' with { type: 'json' };
import { ChildNotifier } from '../projects/server/src/testing/child-notifier.ts';
import { RawWsClient } from '../projects/server/src/testing/raw-ws-client.ts';
import { tally } from './lib/tally.ts';

const ROUNDS = 6;
const MAX_PAYLOAD = 64 * 1024;

/** Text frames that must each get exactly one `error {code:'bad_request'}`. */
function badRequests(): string[] {
  const frames = invalidGolden.map((c) => c.raw);
  for (let i = 0; i < 60; i++) frames.push(randomBytes(1 + (i * 37) % 500).toString('latin1'));
  frames.push('['.repeat(10_000) + ']'.repeat(10_000), '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000));
  frames.push(JSON.stringify({ type: 'subscribe', collections: ['x'.repeat(Limits.collectionLength + 1)] }));
  frames.push(JSON.stringify({ type: 'subscribe', collections: ['a'], ids: Array.from({ length: Limits.idsPerFrame + 1 }, (_, i) => i) }));
  frames.push(JSON.stringify({ type: 'resume', epoch: 'e', after: -1 }), '{"type":"ping","type":"pong"}x', '');
  return frames;
}

describe('server: hostile frames', () => {
  let child: ChildNotifier;
  let port: number;

  beforeAll(async () => {
    child = new ChildNotifier({ options: { maxPayload: MAX_PAYLOAD, rateLimit: { commands: 1_000_000, perMs: 1_000 } } });
    port = await child.ready();
  }, 30_000);
  afterAll(() => child.close());

  async function session(): Promise<RawWsClient> {
    const { status, client } = await RawWsClient.open(port);
    expect(status).toBe(101);
    await client.until(() => client.texts().length >= 1, 'welcome');
    return client;
  }

  it('answers every malformed text or binary frame with bad_request, keeps the connection, and stays flat in memory', async () => {
    const frames = badRequests();
    const rss: number[] = [];
    const heap: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const c = await session();
      for (const f of frames) c.frame(f);
      for (let i = 0; i < 20; i++) c.frame(randomBytes(1 + i * 100), 0x2);
      // Many subscribe / unsubscribe pairs: interest comes and goes, nothing accumulates.
      for (let i = 0; i < 200; i++) {
        c.frame(JSON.stringify({ type: 'subscribe', collections: [`c${i}`], ids: Array.from({ length: 50 }, (_, j) => `${i}-${j}`) }));
        c.frame(JSON.stringify({ type: 'unsubscribe', collections: [`c${i}`], ids: Array.from({ length: 50 }, (_, j) => `${i}-${j}`) }));
      }
      const expected = frames.length + 20 + 200;
      await c.until(() => c.texts().length >= 1 + expected, `${expected} answers`, 20_000);
      const answers = c.texts().slice(1).map((t) => JSON.parse(t) as { type: string; code?: string });
      expect(answers.filter((a) => a.type === 'error' && a.code === 'bad_request').length).toBe(frames.length + 20);
      expect(answers.filter((a) => a.type === 'subscribed').length).toBe(200);
      expect(c.closeCode).toBeUndefined();
      tally('server: malformed text frames', frames.length);
      tally('server: binary frames', 20);
      tally('server: subscribe/unsubscribe pairs', 200);
      c.destroy();
      const stats = await child.stats();
      rss.push(stats.rss);
      heap.push(stats.heapUsed);
    }
    expect(child.alive).toBeTrue();
    // Flat: after warm-up, later rounds hold no more than a few MB over the second one.
    const growth = Math.max(...heap.slice(2)) - heap[1];
    expect(growth).withContext(`heap after GC per round: ${heap.map((h) => (h / 2 ** 20).toFixed(1)).join(', ')} MiB`).toBeLessThan(4 * 2 ** 20);
    expect(Math.max(...rss.slice(2)) - rss[1]).withContext(`RSS per round: ${rss.map((h) => (h / 2 ** 20).toFixed(1)).join(', ')} MiB`).toBeLessThan(32 * 2 ** 20);
  }, 60_000);

  it('closes frames ws rejects at the protocol level with 1002, 1007 or 1009', async () => {
    const cases: { name: string; send: (c: RawWsClient) => void; code: number }[] = [
      { name: 'invalid UTF-8 in a text frame', send: (c) => c.frame(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), code: 1007 },
      { name: 'overlong UTF-8 encoding', send: (c) => c.frame(Buffer.from([0xc0, 0xaf])), code: 1007 },
      { name: 'unmasked client frame', send: (c) => c.frame('{"type":"ping"}', 0x1, { unmasked: true }), code: 1002 },
      { name: 'reserved bit set', send: (c) => c.frame('{"type":"ping"}', 0x1, { first: 0xc1 }), code: 1002 },
      { name: 'unknown opcode', send: (c) => c.frame('x', 0x3), code: 1002 },
      { name: 'fragmented control frame', send: (c) => c.frame('x', 0x9, { first: 0x09 }), code: 1002 },
      { name: 'frame over maxPayload', send: (c) => c.frame('x'.repeat(MAX_PAYLOAD + 1)), code: CloseCode.TooBig },
    ];
    for (const k of cases) {
      const c = await session();
      k.send(c);
      await c.until(() => c.closeCode !== undefined, `a close frame for ${k.name}`);
      expect(c.closeCode).withContext(k.name).toBe(k.code);
      c.destroy();
      tally('server: protocol-level bad frames (1002/1007/1009)');
    }
    expect(child.alive).toBeTrue();
  }, 30_000);

  it('answers a command flood with rate_limited, then closes with 1008', async () => {
    const flood = new ChildNotifier({});
    const floodPort = await flood.ready();
    try {
      const { client } = await RawWsClient.open(floodPort);
      for (let i = 0; i < 400; i++) client.frame('{"type":"ping"}');
      await client.until(() => client.closeCode !== undefined, 'the 1008 close', 10_000);
      // One per burst: a token refilled mid-flood starts a new one.
      expect(client.texts().map((t) => JSON.parse(t)).filter((f) => f.code === 'rate_limited').length).toBeGreaterThanOrEqual(1);
      expect(client.closeCode).toBe(CloseCode.Policy);
      tally('server: rate-limited commands', 400);
      client.destroy();
    } finally {
      await flood.close();
    }
  }, 30_000);
});
