import net from 'node:net';
import pg from 'pg';
import { createNotifier } from '../create-notifier.js';
import { ChildNotifier } from '../testing/child-notifier.js';
import { postgresSource } from './postgres-source.js';
import {
  connect,
  onCleanup,
  startNotifier,
  subscribed,
  useCleanup,
  useSpecTimeout,
  waitFor,
} from '../testing/helpers.js';
import {
  connectAdmin,
  createNotifyTable,
  dropNotifyTable,
  RUN,
  TEST_DATABASE_URL,
} from '../testing/postgres.js';

const URL = TEST_DATABASE_URL;
const TABLE = `cf_items_${RUN}`;
const CHANNEL = `cf_${RUN}`;

/**
 * Against the real Postgres at 127.0.0.1:5432. These specs fail (never skip) when it is
 * unreachable: under CI=true a missing database must not pass as green.
 */
describe('postgresSource (real Postgres)', () => {
  useCleanup();
  let admin: pg.Client;

  useSpecTimeout(20_000);
  beforeAll(async () => {
    admin = await connectAdmin();
    await createNotifyTable(admin, TABLE, CHANNEL);
  });

  afterAll(async () => {
    await dropNotifyTable(admin, TABLE);
  });

  function source(app: string) {
    return postgresSource({
      client: { connectionString: URL, application_name: app },
      channel: CHANNEL,
      probeInterval: 500,
    });
  }

  it('is reachable (fails, not skips, without Postgres)', async () => {
    const { rows } = await admin.query('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('delivers a trigger write to clients of two notifiers on one Postgres', async () => {
    const a = await startNotifier({ sources: [source(`cf_a_${RUN}`)] });
    const b = await startNotifier({ sources: [source(`cf_b_${RUN}`)] });
    expect(a.port).not.toBe(b.port);
    expect(a.notifier.epoch).not.toBe(b.notifier.epoch);
    const ca = await subscribed(a.url, ['items']);
    const cb = await subscribed(b.url, ['items']);
    const { rows } = await admin.query(
      `INSERT INTO "${TABLE}" (title) VALUES ('hello') RETURNING id`,
    );
    await ca.waitNotifications(1);
    await cb.waitNotifications(1);
    for (const c of [ca, cb])
      expect(c.notifications[0]).toEqual(
        jasmine.objectContaining({ collection: 'items', op: 'insert', id: rows[0].id }),
      );
    await admin.query(`DELETE FROM "${TABLE}" WHERE id = $1`, [rows[0].id]);
    await ca.waitNotifications(2);
    expect(ca.notifications[1]).toEqual(jasmine.objectContaining({ op: 'delete', id: rows[0].id }));
  });

  it('reconnects after the LISTEN connection is killed and resets every client', async () => {
    const app = `cf_kill_${RUN}`;
    const errors: string[] = [];
    const { url, notifier } = await startNotifier({
      sources: [source(app)],
      onError: (e) => errors.push(e.code!),
    });
    const c = await subscribed(url, ['items', 'other']);
    await admin.query(`INSERT INTO "${TABLE}" (title) VALUES ('before')`);
    await c.waitNotifications(1);
    const killed = await admin.query(
      'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1',
      [app],
    );
    expect(killed.rows).toEqual([{ ok: true }]);
    expect(await c.next('reset')).toEqual({ type: 'reset', collections: ['items', 'other'] });
    expect(errors).toContain('ERR_CHANGEFEED_SOURCE_CONNECTION');
    // A resume from before the outage cannot be proven complete: reset.
    const late = await subscribed(url, ['items']);
    late.send({ type: 'resume', epoch: notifier.epoch, after: 1 });
    await late.next('reset');
    // Listening again: the next write arrives.
    await waitFor(() => notifier.metrics().sourceResets >= 2, 'the reconnect');
    await admin.query(`INSERT INTO "${TABLE}" (title) VALUES ('after')`);
    await c.waitNotifications(2);
    expect(c.notifications[1]).toEqual(
      jasmine.objectContaining({ collection: 'items', op: 'insert' }),
    );
  });

  it('notices a half-open LISTEN connection with its health probe, reconnects and resets', async () => {
    // A TCP proxy in front of Postgres that can go silent without closing: what a dead NAT entry
    // or a pulled cable looks like to the client. Only a probe can tell.
    const target = new globalThis.URL(URL);
    const frozen = new Set<net.Socket>();
    const links: net.Socket[] = [];
    const proxy = net.createServer((down) => {
      const up = net.connect(Number(target.port || 5432), target.hostname);
      for (const [from, to] of [
        [down, up],
        [up, down],
      ] as const) {
        from.on('error', () => to.destroy());
        from.on('data', (chunk) => {
          if (!frozen.has(down)) to.write(chunk);
        });
      }
      links.push(down, up);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxied = new globalThis.URL(URL);
    proxied.host = `127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    try {
      const errors: string[] = [];
      const { url, notifier } = await startNotifier({
        sources: [
          postgresSource({
            connectionString: proxied.href,
            channel: CHANNEL,
            probeInterval: 100,
            probeTimeout: 300,
          }),
        ],
        onError: (e) => errors.push(e.message),
      });
      const c = await subscribed(url, ['items']);
      const resetsBefore = notifier.metrics().sourceResets;
      // Freeze every connection open now: the LISTEN connection stays up but hears nothing.
      for (const socket of links)
        if (socket.remotePort !== Number(target.port || 5432)) frozen.add(socket);
      expect(await c.next('reset')).toEqual({ type: 'reset', collections: ['items'] });
      expect(errors.some((m) => m.includes('health probe got no answer in 300 ms'))).toBeTrue();
      await waitFor(() => notifier.metrics().sourceResets > resetsBefore, 'the new LISTEN');
      await admin.query(`INSERT INTO "${TABLE}" (title) VALUES ('after the freeze')`);
      await c.waitNotifications(1);
      expect(c.notifications[0]).toEqual(
        jasmine.objectContaining({ collection: 'items', op: 'insert' }),
      );
    } finally {
      for (const socket of links) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('keeps retrying an unreachable database, reporting each failure', async () => {
    const s = postgresSource({
      connectionString: 'postgres://postgres@127.0.0.1:1/test',
      channel: CHANNEL,
    });
    const errors: Error[] = [];
    void s.start({ notify: () => {}, reset: () => {}, error: (e) => errors.push(e) });
    await waitFor(() => errors.length >= 2, 'two connection errors');
    await s.stop();
    expect((errors[0] as { code?: string }).code).toBe('ERR_CHANGEFEED_SOURCE_CONNECTION');
  });

  it('abandons a connect that gets no answer, retries, and recovers once the database answers', async () => {
    // A TCP endpoint that accepts and stays silent, later replaced by a real pass-through.
    const target = new globalThis.URL(URL);
    let silent = true;
    const links: net.Socket[] = [];
    const proxy = net.createServer((down) => {
      links.push(down);
      down.on('error', () => {});
      if (silent) return;
      const up = net.connect(Number(target.port || 5432), target.hostname);
      links.push(up);
      up.on('error', () => down.destroy());
      down.pipe(up).pipe(down);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    onCleanup(async () => {
      for (const socket of links) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    });
    const proxied = new globalThis.URL(URL);
    proxied.host = `127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    const errors: { code?: string; message: string }[] = [];
    const notifier = createNotifier({
      port: 0,
      host: '127.0.0.1',
      sources: [
        postgresSource({ connectionString: proxied.href, channel: CHANNEL, connectTimeout: 200 }),
      ],
      onError: (e) => errors.push(e),
    });
    onCleanup(() => notifier.close());
    await waitFor(() => errors.length >= 2, 'two abandoned attempts reported', 10_000);
    expect(errors[0].code).toBe('ERR_CHANGEFEED_SOURCE_CONNECTION');
    expect(errors[0].message).toContain('no answer to connect and LISTEN in 200 ms');
    const c = connect(`ws://127.0.0.1:${notifier.address()!.port}/ws`);
    await c.next('welcome');
    c.send({ type: 'subscribe', collections: ['items'] });
    await c.next('subscribed');
    silent = false;
    await notifier.ready;
    expect(await c.next('reset')).toEqual({ type: 'reset', collections: ['items'] });
    await admin.query(`INSERT INTO "${TABLE}" (title) VALUES ('after the silence')`);
    await c.waitNotifications(1);
  });

  it('rejects ready with ERR_CHANGEFEED_MISSING_PEER, without retrying, when pg cannot be imported', async () => {
    const child = new ChildNotifier({ postgres: { connectionString: URL, channel: CHANNEL } }, [
      'pg',
    ]);
    onCleanup(() => child.close());
    const failure = await child.ready().then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    );
    expect(failure?.code).toBe('ERR_CHANGEFEED_MISSING_PEER');
    expect(failure?.message).toContain('npm install pg');
    expect(child.errors.map((e) => e.code))
      .withContext('reported once, never as a connection to retry')
      .toEqual(['ERR_CHANGEFEED_MISSING_PEER']);
  });

  it('validates its options', () => {
    expect(() => postgresSource({ connectionString: URL, client: {} })).toThrowError(
      TypeError,
      '@changefeed/server: postgresSource(): give at most one of connectionString and client',
    );
    expect(() => postgresSource({ channel: 'drop table' })).toThrowError(
      TypeError,
      /channel must be an identifier/,
    );
    expect(() => postgresSource({ probeInterval: -1 })).toThrowError(
      TypeError,
      /probeInterval must be an integer/,
    );
    expect(() => postgresSource({ probeTimeout: 0 })).toThrowError(
      TypeError,
      /probeTimeout must be an integer > 0/,
    );
    expect(() => postgresSource({ connectTimeout: 0 })).toThrowError(
      TypeError,
      /connectTimeout must be an integer > 0/,
    );
  });
});
