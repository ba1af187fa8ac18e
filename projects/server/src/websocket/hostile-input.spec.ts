import { CloseCode, Limits } from '@changefeed/protocol';
import invalidGolden from '../../../protocol/golden/client-invalid.json' with { type: 'json' };
import validGolden from '../../../protocol/golden/client-frames.json' with { type: 'json' };
import {
  connect,
  startNotifier,
  subscribed,
  useCleanup,
  waitFor,
  type TestClient,
} from '../testing/helpers.js';

/** Frames a hostile or broken client may send; each must get `error {bad_request}` and nothing else. */
const HOSTILE: { name: string; raw: string }[] = [
  ...invalidGolden.map((c) => ({ name: `golden: ${c.name}`, raw: c.raw })),
  { name: 'empty string', raw: '' },
  { name: 'whitespace', raw: '   ' },
  { name: 'truncated JSON', raw: '{"type":"subscribe","collections":["a"' },
  { name: 'trailing garbage', raw: '{"type":"ping"} x' },
  { name: 'JSON string', raw: '"ping"' },
  { name: 'JSON number', raw: '42' },
  { name: 'JSON true', raw: 'true' },
  { name: 'nested array', raw: '[[[]]]' },
  { name: 'deep nesting', raw: '['.repeat(5000) + ']'.repeat(5000) },
  { name: 'deep object nesting', raw: '{"a":'.repeat(3000) + '1' + '}'.repeat(3000) },
  { name: 'type null', raw: '{"type":null}' },
  { name: 'type object', raw: '{"type":{"toString":"ping"}}' },
  { name: 'type array', raw: '{"type":["ping"]}' },
  { name: 'uppercase type', raw: '{"type":"PING"}' },
  { name: 'type with NUL', raw: '{"type":"ping\\u0000"}' },
  { name: 'huge unknown type name', raw: JSON.stringify({ type: 'x'.repeat(10_000) }) },
  {
    name: 'server frame sent by client',
    raw: '{"type":"welcome","protocol":1,"epoch":"e","seq":0,"heartbeat":0}',
  },
  { name: 'notification sent by client', raw: '{"collection":"forums","op":"insert"}' },
  { name: 'subscribe collections null', raw: '{"type":"subscribe","collections":null}' },
  { name: 'subscribe collections object', raw: '{"type":"subscribe","collections":{"0":"a"}}' },
  { name: 'subscribe nested array', raw: '{"type":"subscribe","collections":[["a"]]}' },
  { name: 'subscribe null inside', raw: '{"type":"subscribe","collections":["a",null]}' },
  {
    name: 'subscribe overlong name',
    raw: JSON.stringify({
      type: 'subscribe',
      collections: ['x'.repeat(Limits.collectionLength + 1)],
    }),
  },
  {
    name: 'subscribe 1001 collections',
    raw: JSON.stringify({
      type: 'subscribe',
      collections: Array.from({ length: 1001 }, (_, i) => `c${i}`),
    }),
  },
  { name: 'subscribe ids string', raw: '{"type":"subscribe","collections":["a"],"ids":"7"}' },
  { name: 'subscribe ids empty', raw: '{"type":"subscribe","collections":["a"],"ids":[]}' },
  { name: 'subscribe ids with object', raw: '{"type":"subscribe","collections":["a"],"ids":[{}]}' },
  { name: 'subscribe ids with null', raw: '{"type":"subscribe","collections":["a"],"ids":[null]}' },
  { name: 'subscribe ids with bool', raw: '{"type":"subscribe","collections":["a"],"ids":[true]}' },
  {
    name: 'subscribe overlong id',
    raw: JSON.stringify({
      type: 'subscribe',
      collections: ['a'],
      ids: ['i'.repeat(Limits.idLength + 1)],
    }),
  },
  {
    name: 'subscribe 1001 ids',
    raw: JSON.stringify({
      type: 'subscribe',
      collections: ['a'],
      ids: Array.from({ length: 1001 }, (_, i) => i),
    }),
  },
  { name: 'unsubscribe without collections', raw: '{"type":"unsubscribe"}' },
  { name: 'unsubscribe collections number', raw: '{"type":"unsubscribe","collections":5}' },
  { name: 'resume without epoch', raw: '{"type":"resume","after":1}' },
  { name: 'resume epoch number', raw: '{"type":"resume","epoch":1,"after":1}' },
  { name: 'resume empty epoch', raw: '{"type":"resume","epoch":"","after":1}' },
  {
    name: 'resume overlong epoch',
    raw: JSON.stringify({ type: 'resume', epoch: 'e'.repeat(Limits.epochLength + 1), after: 1 }),
  },
  { name: 'resume negative after', raw: '{"type":"resume","epoch":"e","after":-1}' },
  { name: 'resume fractional after', raw: '{"type":"resume","epoch":"e","after":1.5}' },
  { name: 'resume after string', raw: '{"type":"resume","epoch":"e","after":"1"}' },
  {
    name: 'resume after unsafe integer',
    raw: '{"type":"resume","epoch":"e","after":9007199254740993}',
  },
  { name: 'resume after 1e400', raw: '{"type":"resume","epoch":"e","after":1e400}' },
  { name: 'resume without after', raw: '{"type":"resume","epoch":"e"}' },
  { name: 'lone surrogate garbage', raw: '\ud800\udfff\ud800' },
  { name: 'BOM then JSON', raw: '\ufeff{"type":"ping"}' },
];

describe('hostile input', () => {
  useCleanup();

  let client: TestClient;
  let errors = 0;

  async function expectBadRequest(
    c: TestClient,
    raw: string | Buffer,
    binary = false,
  ): Promise<void> {
    c.raw(raw, binary);
    errors++;
    await waitFor(() => c.ofType('error').length >= errors, `error frame #${errors}`);
    const e = c.ofType('error')[errors - 1];
    expect(e.code).toBe('bad_request');
    expect(e.message.length).toBeGreaterThan(0);
  }

  it(`answers each of ${HOSTILE.length + 3} malformed frames with bad_request and keeps the connection serving`, async () => {
    expect(HOSTILE.length + 3).toBeGreaterThanOrEqual(50);
    const { url, notifier } = await startNotifier({
      rateLimit: { commands: 10_000, perMs: 1_000 },
    });
    client = await subscribed(url, ['a']);
    errors = 0;
    for (const h of HOSTILE) await expectBadRequest(client, h.raw);
    await expectBadRequest(client, Buffer.from('{"type":"ping"}'), true);
    await expectBadRequest(client, Buffer.from([0, 1, 2, 255]), true);
    await expectBadRequest(client, Buffer.alloc(0), true);
    // Still alive and in order after all of it.
    client.send({ type: 'ping' });
    await client.next('pong');
    notifier.notify({ collection: 'a' });
    await client.waitNotifications(1);
    expect(client.malformed).toEqual([]);
    expect(notifier.metrics().badFrames).toBe(HOSTILE.length + 3);
    expect(client.closeCode).toBeUndefined();
  });

  it('accepts every golden valid client frame without an error', async () => {
    const { url } = await startNotifier();
    const c = connect(url);
    await c.next('welcome');
    for (const g of validGolden) c.raw(g.raw);
    c.send({ type: 'ping' });
    await waitFor(
      () => c.ofType('pong').length >= 1 + validGolden.filter((g) => g.kind === 'ping').length,
      'pongs',
    );
    expect(c.ofType('error')).toEqual([]);
  });

  it('closes an oversize frame with 1009', async () => {
    const { url, notifier } = await startNotifier({ maxPayload: 1024 });
    const c = connect(url);
    await c.next('welcome');
    c.raw(JSON.stringify({ type: 'subscribe', collections: ['x'.repeat(2000)] }));
    expect(await c.closed).toBe(CloseCode.TooBig);
    await waitFor(() => notifier.metrics().badFrames === 1, 'badFrames metric');
  });

  it('answers a flood with rate_limited, then closes with 1008', async () => {
    const { url, notifier } = await startNotifier({ rateLimit: { commands: 5, perMs: 60_000 } });
    const c = connect(url);
    await c.next('welcome');
    for (let i = 0; i < 500; i++) c.send({ type: 'ping' });
    expect(await c.closed).toBe(CloseCode.Policy);
    expect(c.ofType('pong').length).toBe(5);
    expect(c.ofType('error').map((e) => e.code)).toEqual(['rate_limited']);
    expect(notifier.metrics().rateLimited).toBeGreaterThan(100);
  });

  it('refuses thousands of collections per connection with too_many', async () => {
    const { url, notifier } = await startNotifier({ rateLimit: { commands: 1000, perMs: 1000 } });
    const c = connect(url);
    await c.next('welcome');
    for (let f = 0; f < 3; f++)
      c.send({
        type: 'subscribe',
        collections: Array.from({ length: 1000 }, (_, i) => `c${f}-${i}`),
      });
    await c.next('error', 2);
    expect(c.ofType('subscribed').length).toBe(1);
    expect(c.ofType('error').map((e) => e.code)).toEqual(['too_many', 'too_many']);
    expect(notifier.metrics().subscriptions).toBe(1000);
  });

  it('survives a flood of valid subscribe/unsubscribe churn and keeps delivering', async () => {
    const { url, notifier } = await startNotifier({
      rateLimit: { commands: 100_000, perMs: 1000 },
    });
    const c = await subscribed(url, ['keep']);
    for (let i = 0; i < 2000; i++) {
      c.send({ type: 'subscribe', collections: [`t${i % 10}`], ids: [i] });
      c.send({ type: 'unsubscribe', collections: [`t${i % 10}`], ids: [i] });
    }
    c.send({ type: 'ping' });
    await c.next('pong');
    notifier.notify({ collection: 'keep' });
    notifier.notify({ collection: 't1', id: 1 });
    await c.waitNotifications(1);
    expect(notifier.metrics().subscriptions).toBe(1);
  });
});
