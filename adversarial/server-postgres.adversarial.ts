/**
 * A database endpoint that accepts TCP and never answers, later replaced by the real one, and a
 * `pg` package that cannot be resolved: the notifier process neither hangs nor dies, and says so.
 * Needs the Postgres at TEST_DATABASE_URL (default 127.0.0.1:5432): fails, never skips, without it.
 */
import net from 'node:net';
import { ChildNotifier } from '../projects/server/src/testing/child-notifier.ts';
import { RawWsClient } from '../projects/server/src/testing/raw-ws-client.ts';
import { tally } from './lib/tally.ts';

const DATABASE = new URL(process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test');
const CHANNEL = `cf_adv_${process.pid}_${Date.now().toString(36)}`;

describe('server: Postgres endpoint', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('a silent endpoint: each attempt times out and is reported; once the database answers, clients get reset', async () => {
    let silent = true;
    const links: net.Socket[] = [];
    const proxy = net.createServer((down) => {
      links.push(down);
      down.on('error', () => {});
      if (silent) return; // accept, never answer
      const up = net.connect(Number(DATABASE.port || 5432), DATABASE.hostname);
      links.push(up);
      up.on('error', () => down.destroy());
      down.pipe(up).pipe(down);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => proxy.close(r)), () => links.forEach((l) => l.destroy()));
    const proxied = new URL(DATABASE);
    proxied.host = `127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    const child = new ChildNotifier({ postgres: { connectionString: proxied.href, connectTimeout: 300, channel: CHANNEL } });
    cleanups.push(() => child.close());
    const port = await child.listening();
    const { client } = await RawWsClient.open(port);
    cleanups.push(() => client.destroy());
    client.frame(JSON.stringify({ type: 'subscribe', collections: ['items'] }));
    await client.until(() => client.texts().length >= 2, 'subscribed');
    const deadline = Date.now() + 10_000;
    while (child.errors.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(child.errors.length).withContext('attempts reported while silent').toBeGreaterThanOrEqual(3);
    for (const e of child.errors) {
      expect(e.code).toBe('ERR_CHANGEFEED_SOURCE_CONNECTION');
      expect(e.message).toContain('no answer to connect and LISTEN in 300 ms');
    }
    tally('server: silent database attempts', child.errors.length);
    silent = false;
    await child.ready();
    await client.until(() => client.texts().some((t) => t.includes('"reset"')), 'reset once listening');
    expect(JSON.parse(client.texts().find((t) => t.includes('"reset"'))!)).toEqual({ type: 'reset', collections: ['items'] });
    expect(child.alive).toBeTrue();
  }, 30_000);

  it('pg unresolvable: ready rejects with ERR_CHANGEFEED_MISSING_PEER, once, no retry loop', async () => {
    const child = new ChildNotifier({ postgres: { connectionString: DATABASE.href, channel: CHANNEL } }, ['pg']);
    cleanups.push(() => child.close());
    const failure = await child.ready().then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    );
    expect(failure?.code).toBe('ERR_CHANGEFEED_MISSING_PEER');
    // Still serving WebSocket clients, and not retrying in the background.
    await new Promise((r) => setTimeout(r, 500));
    expect(child.errors.map((e) => e.code)).toEqual(['ERR_CHANGEFEED_MISSING_PEER']);
    expect(child.alive).toBeTrue();
    tally('server: pg unresolvable');
  }, 30_000);
});
