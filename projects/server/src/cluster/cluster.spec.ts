/**
 * Several real notifiers on one shared log (cluster mode, README.md beside this file): in-process
 * notifiers on port 0 and, for kill -9, a notifier in a child process, all on the real Redis and
 * Postgres, with clients on real sockets.
 */
import { reconnectWindow } from '@changefeed/protocol';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createNotifier } from '../create-notifier.js';
import { ChildNotifier } from '../testing/child-notifier.js';
import {
  connect,
  onCleanup as onSpecCleanup,
  startNotifier,
  subscribed,
  useCleanup,
  type Started,
  type TestClient,
  useSpecTimeout,
} from '../testing/helpers.js';
import {
  connectAdmin,
  createNotifyTable,
  dropNotifyTable,
  RUN,
  TEST_DATABASE_URL,
} from '../testing/postgres.js';
import { leaderLockKey, leaderSource, type LeaderSource } from './leader-source.js';
import {
  adminClient,
  openLog,
  REDIS_URL,
  RedisProxy,
  uniquePrefix,
  useRedisCleanup,
  waitFor,
} from './redis-fixture.spec.js';
import type { RedisLogOptions } from './redis-log.js';

const PG_URL = TEST_DATABASE_URL;

/** A notifier in cluster mode on `prefix`, with its log's errors. */
async function instance(
  prefix: string,
  extra: {
    retention?: { count: number };
    sources?: LeaderSource[];
    log?: Partial<RedisLogOptions>;
  } = {},
): Promise<Started & { errors: Error[] }> {
  const { log, errors } = openLog(prefix, { blockMs: 200, ...extra.log });
  const started = await startNotifier({
    cluster: log,
    retention: extra.retention,
    sources: extra.sources,
    onError: (e) => errors.push(e),
  });
  return { ...started, errors };
}

/** An SSE stream's text so far; resolves once the stream is subscribed (its preamble arrived). */
async function sseText(url: string): Promise<{ text: string }> {
  const ac = new AbortController();
  onSpecCleanup(() => ac.abort());
  const out = { text: '' };
  void (async () => {
    const res = await fetch(url, { signal: ac.signal });
    const reader = res.body!.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read())
      out.text += Buffer.from(r.value).toString('utf8');
  })().catch(() => {});
  await waitFor(() => out.text.includes(': changefeed\n'), 'the SSE stream', () => out.text);
  return out;
}

function epochOf(c: TestClient): string {
  return c.ofType('welcome')[0].epoch;
}

function lastSeq(c: TestClient): number {
  return Math.max(0, ...c.seqs());
}

/** Seqs 1..n, each once. */
function oneToN(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

describe('cluster mode (real notifiers, real Redis)', () => {
  useCleanup();
  useRedisCleanup();
  useSpecTimeout(30_000);

  it('notify() on B reaches a client on C exactly once, in the one order every instance sees', async () => {
    const prefix = uniquePrefix();
    const [b, c] = [await instance(prefix), await instance(prefix)];
    const onB = await subscribed(b.url, ['items']);
    const onC = await subscribed(c.url, ['items']);
    expect(epochOf(onB)).toBe(epochOf(onC));
    for (let i = 1; i <= 3; i++) b.notifier.notify({ collection: 'items', id: `b${i}` });
    c.notifier.notify({ collection: 'items', id: 'c1' });
    await onC.waitNotifications(4);
    await onB.waitNotifications(4);
    await new Promise((r) => setTimeout(r, 300)); // any duplicate would have come by now
    expect(onC.seqs()).toEqual(oneToN(4));
    expect(onC.notifications).toEqual(onB.notifications);
    expect(onC.notifications.map((n) => n.id).sort()).toEqual(['b1', 'b2', 'b3', 'c1']);
    expect(b.notifier.metrics().log).toEqual(
      jasmine.objectContaining({ appended: 3, connected: true }),
    );
    // The same on the metrics endpoint, for Prometheus.
    const text = await b.notifier.metricsText();
    expect(text).toContain('changefeed_log_appended_total 3');
    expect(text).toContain('changefeed_log_connected 1');
    expect(text).toContain('changefeed_log_pending 0');
  });

  it('a client of A, closed gracefully while Redis blinks, resumes on B with no reset and gets everything notified meanwhile (from the log when B’s ring no longer has it)', async () => {
    const prefix = uniquePrefix();
    const proxy = await RedisProxy.start();
    // A real process, so nothing A notified can reach the log after close() resolves and it exits.
    const a = new ChildNotifier({ cluster: { url: proxy.url, prefix } });
    onSpecCleanup(() => a.close());
    const port = await a.ready();
    const b = await instance(prefix, { retention: { count: 1 } });
    const client = await subscribed(`ws://127.0.0.1:${port}/ws`, ['items']);
    a.send({ type: 'notify', collection: 'items', count: 3 });
    await client.waitNotifications(3);
    await proxy.down();
    for (
      let s = await a.stats();
      (s.metrics['log'] as unknown as { connected: boolean }).connected;
      s = await a.stats()
    );
    // Notified while A cannot reach Redis, just before close(): close() appends them before the client is told to leave.
    a.send({ type: 'notify', collection: 'items', count: 2 });
    const exited = a.shutdown();
    setTimeout(() => void proxy.up(), 300);
    expect(await client.closed).toBe(1001);
    await exited;
    b.notifier.notify({ collection: 'items', id: 'b1' });
    b.notifier.notify({ collection: 'items', id: 'b2' });
    await waitFor(
      () => b.notifier.metrics().head === 7,
      'B’s tail at 7',
      () => b.notifier.metrics(),
    );
    const after = lastSeq(client);
    const again = await subscribed(b.url, ['items']);
    again.send({ type: 'resume', epoch: epochOf(client), after });
    await again.waitNotifications(7 - after);
    expect([...client.seqs(), ...again.seqs()]).toEqual(oneToN(7));
    expect(again.notifications.slice(-2).map((n) => n.id)).toEqual(['b1', 'b2']);
    expect(again.ofType('reset')).toEqual([]);
    expect(b.notifier.metrics().replayed).toBe(7 - after);
  });

  it('close() hands its clients the log up to its head before 1001: they resume on another instance with nothing missing', async () => {
    const prefix = uniquePrefix();
    const proxy = await RedisProxy.start();
    const a = await instance(prefix, { log: { url: proxy.url } });
    const b = await instance(prefix);
    const client = await subscribed(a.url, ['items']);
    // A's tail reads 300 ms behind its appends.
    proxy.lagTails(300);
    // Notified just before close(): appended by close(), then read back by A's tail and sent
    // before the 1001 (before, close() ended the tail as soon as they were appended).
    for (let i = 1; i <= 50; i++) a.notifier.notify({ collection: 'items', id: i });
    const closing = a.notifier.close();
    expect(await client.closed).toBe(1001);
    expect(client.seqs()).toEqual(oneToN(50));
    await closing;
    await waitFor(() => b.notifier.metrics().head === 50, 'B’s tail at 50');
    const again = await subscribed(b.url, ['items']);
    again.send({ type: 'resume', epoch: epochOf(client), after: lastSeq(client) });
    again.send({ type: 'ping' });
    await again.next('pong');
    expect(again.ofType('reset')).toEqual([]);
    expect(b.notifier.metrics().replayed).toBe(0);
  });

  it('a client of A, killed with SIGKILL, resumes on B with no reset and gets what was notified meanwhile', async () => {
    const prefix = uniquePrefix();
    const a = new ChildNotifier({ cluster: { url: REDIS_URL, prefix } });
    onSpecCleanup(() => a.close());
    const port = await a.ready();
    const client = await subscribed(`ws://127.0.0.1:${port}/ws`, ['items']);
    a.send({ type: 'notify', collection: 'items', count: 3 });
    await client.waitNotifications(3);
    await a.close(); // SIGKILL: no close frame, no flush
    expect(await client.closed).toBe(1006);
    // B starts after A's notifications: a resume from before B's first position is read from the log.
    const b = await instance(prefix);
    for (let i = 0; i < 4; i++) b.notifier.notify({ collection: 'items', id: `b${i}` });
    const again = await subscribed(b.url, ['items']);
    again.send({ type: 'resume', epoch: epochOf(client), after: 1 });
    await again.waitNotifications(6);
    expect(again.seqs()).toEqual([2, 3, 4, 5, 6, 7]);
    expect(again.ofType('reset')).toEqual([]);
  });

  it('an instance started after entries were appended holds them in memory: its clients resume with Redis away, no reset', async () => {
    const prefix = uniquePrefix();
    const a = await instance(prefix);
    const onA = await subscribed(a.url, ['items']);
    for (let i = 1; i <= 5; i++) a.notifier.notify({ collection: 'items', id: i });
    await onA.waitNotifications(5);
    const proxy = await RedisProxy.start();
    const b = await instance(prefix, { log: { url: proxy.url } });
    // Every resume on B must now come from B's memory: one read per client from Redis is what
    // held Redis for tens of seconds when thousands of clients came over in a rolling restart.
    await proxy.down();
    const again = await subscribed(b.url, ['items']);
    again.send({ type: 'resume', epoch: epochOf(onA), after: 1 });
    await again.waitNotifications(4);
    expect(again.seqs()).toEqual([2, 3, 4, 5]);
    expect(again.ofType('reset')).toEqual([]);
    expect(b.notifier.metrics().replayed).toBe(4);
  });

  it('fills its memory past a reset marker (a leader’s): resumes after it replay, resumes from before it reset', async () => {
    const prefix = uniquePrefix();
    const a = await instance(prefix);
    const onA = await subscribed(a.url, ['items']);
    a.notifier.notify({ collection: 'items', id: 1 });
    await onA.waitNotifications(1);
    const { log } = openLog(prefix);
    log.appendReset('handover');
    await log.flush();
    for (let i = 2; i <= 4; i++) a.notifier.notify({ collection: 'items', id: i });
    await onA.waitNotifications(4);
    expect(onA.seqs()).toEqual([1, 3, 4, 5]);
    const proxy = await RedisProxy.start();
    const b = await instance(prefix, { log: { url: proxy.url } });
    await proxy.down();
    const after = await subscribed(b.url, ['items']);
    after.send({ type: 'resume', epoch: epochOf(onA), after: 3 });
    await after.waitNotifications(2);
    expect(after.seqs()).toEqual([4, 5]);
    expect(after.ofType('reset')).toEqual([]);
    const before = await subscribed(b.url, ['items']);
    before.send({ type: 'resume', epoch: epochOf(onA), after: 1 });
    await before.next('reset');
    expect(before.seqs()).toEqual([]);
  });

  /** B (through `proxy`, buffering 1 entry) with seqs 1..4 appended by A, and a client on B whose resume from 1 must read the log. */
  async function resumeNeedingARead() {
    const prefix = uniquePrefix();
    const proxy = await RedisProxy.start();
    const a = await instance(prefix);
    const b = await instance(prefix, { retention: { count: 1 }, log: { url: proxy.url } });
    for (let i = 1; i <= 4; i++) a.notifier.notify({ collection: 'items', id: i });
    await waitFor(() => b.notifier.metrics().head === 4, 'B’s tail at 4');
    const client = await subscribed(b.url, ['items']);
    await proxy.down();
    await waitFor(() => b.notifier.metrics().log!.connected === false, 'B to see Redis gone');
    return { a, b, proxy, client, epoch: a.notifier.epoch };
  }

  it('a resume whose log read finds Redis away is retried: Redis back within the retries → replay, no reset', async () => {
    const { proxy, client, epoch } = await resumeNeedingARead();
    client.send({ type: 'resume', epoch, after: 1 });
    setTimeout(() => void proxy.up(), 100);
    await client.waitNotifications(3);
    expect(client.seqs()).toEqual([2, 3, 4]);
    expect(client.ofType('reset')).toEqual([]);
  });

  it('a resume whose log read keeps finding Redis away gets reset after 4 retries over 1.75–3.5 s', async () => {
    const { client, epoch } = await resumeNeedingARead();
    const sent = Date.now();
    client.send({ type: 'resume', epoch, after: 1 });
    await waitFor(() => client.ofType('reset').length > 0, 'the reset', () => client.frames, 6_000);
    const waited = Date.now() - sent;
    expect(waited).toBeGreaterThanOrEqual(1_750);
    expect(waited).toBeLessThan(4_500); // 3.5 s of waits, and five reads refused at once
    expect(client.seqs()).toEqual([]);
  });

  it('a resume carrying a seq ahead of this instance’s tail waits for the tail instead of resetting', async () => {
    const prefix = uniquePrefix();
    const b = await instance(prefix);
    const client = await subscribed(b.url, ['items']);
    client.send({ type: 'resume', epoch: epochOf(client), after: 2 });
    client.send({ type: 'ping' });
    await client.next('pong');
    for (let i = 1; i <= 3; i++) b.notifier.notify({ collection: 'items', id: i });
    await client.waitNotifications(1);
    await waitFor(() => b.notifier.metrics().head === 3, 'head 3');
    expect(client.seqs()).toEqual([3]);
    expect(client.ofType('reset')).toEqual([]);
  });

  it('SSE Last-Event-ID resumes on another instance from the log', async () => {
    const prefix = uniquePrefix();
    const a = await instance(prefix);
    const b = await instance(prefix, { retention: { count: 1 } });
    for (let i = 1; i <= 4; i++) a.notifier.notify({ collection: 'items', id: i });
    await waitFor(() => b.notifier.metrics().head === 4, 'B’s tail at 4');
    const ac = new AbortController();
    onSpecCleanup(() => ac.abort());
    const res = await fetch(`${b.http}/events?collections=items`, {
      headers: { 'Last-Event-ID': `${b.notifier.epoch}:1` },
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    let text = '';
    void (async () => {
      for (let r = await reader.read(); !r.done; r = await reader.read())
        text += Buffer.from(r.value).toString('utf8');
    })().catch(() => {});
    await waitFor(
      () => text.includes(`id: ${b.notifier.epoch}:4\n\n`),
      'the replay',
      () => text,
    );
    expect([...text.matchAll(/"seq":(\d+)/g)].map((m) => Number(m[1]))).toEqual([2, 3, 4]);
    expect(text).not.toContain('event: reset');
  });

  it('answers 503 to upgrades and SSE until its tail has a position in the log, then serves', async () => {
    const prefix = uniquePrefix();
    const proxy = await RedisProxy.start();
    await proxy.down();
    const { log } = openLog(prefix, { url: proxy.url });
    const server = createServer(
      (req, res) => notifier.handleRequest(req, res) || res.writeHead(404).end(),
    );
    const notifier = createNotifier({ server, cluster: log, onError: () => {} });
    onSpecCleanup(async () => {
      await notifier.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const early = connect(`ws://127.0.0.1:${port}/ws`);
    await expectAsync(early.opened).toBeRejected();
    expect(early.unexpected).toEqual({ status: 503 });
    expect((await fetch(`http://127.0.0.1:${port}/events?collections=items`)).status).toBe(503);
    await proxy.up();
    await notifier.ready;
    const client = await subscribed(`ws://127.0.0.1:${port}/ws`, ['items']);
    expect(epochOf(client)).toBe(notifier.epoch);
  });

  it('Redis keys deleted → WebSocket clients are closed 1001 with a reconnect window and come back to a welcome in the new epoch; SSE streams get a reset with an id in it', async () => {
    const prefix = uniquePrefix();
    const a = await instance(prefix);
    const client = await subscribed(a.url, ['items']);
    const sse = await sseText(`${a.http}/events?collections=items`);
    a.notifier.notify({ collection: 'items', id: 1 });
    await client.waitNotifications(1);
    await waitFor(() => sse.text.includes('"seq":1'), 'the SSE notification', () => sse.text);
    const before = a.notifier.epoch;
    const admin = await adminClient();
    await admin.del([`{${prefix}}:meta`, `{${prefix}}:log`]);
    // Told `reset` on this connection instead, a client would keep seq 1 of the old epoch and
    // drop the new epoch's seq 1 as a duplicate: it only learns an epoch from `welcome`.
    expect(await client.closed).toBe(1001);
    expect(reconnectWindow(1001, client.closeReason)).toBeGreaterThanOrEqual(1000);
    expect(client.ofType('reset')).toEqual([]);
    const after = a.notifier.epoch;
    expect(after).not.toBe(before);
    await waitFor(() => sse.text.includes('event: reset'), 'the SSE reset', () => sse.text);
    expect(sse.text).toContain(`id: ${after}:0\nevent: reset\n`);
    const again = await subscribed(a.url, ['items']);
    expect(epochOf(again)).toBe(after);
    a.notifier.notify({ collection: 'items', id: 2 });
    await again.waitNotifications(1);
    expect(again.notifications[0]).toEqual(jasmine.objectContaining({ id: 2, seq: 1 }));
    await waitFor(() => sse.text.includes(`id: ${after}:1\n`), 'seq 1 of the new epoch on SSE', () => sse.text);
  });

  it('Redis away then back: what was notified meanwhile arrives with no reset; an append of unknown outcome resets', async () => {
    const prefix = uniquePrefix();
    const proxy = await RedisProxy.start();
    const { log, errors } = openLog(prefix, { url: proxy.url, blockMs: 200 });
    const a = await startNotifier({ cluster: log, onError: (e) => errors.push(e) });
    const client = await subscribed(a.url, ['items']);
    a.notifier.notify({ collection: 'items', id: 1 });
    await client.waitNotifications(1);
    await proxy.down();
    await waitFor(() => a.notifier.metrics().log!.connected === false, 'the log to see Redis gone');
    // Known not sent: it waits in the log's queue and is appended on return.
    a.notifier.notify({ collection: 'items', id: 2 });
    await proxy.up();
    await client.waitNotifications(2);
    expect(client.seqs()).toEqual([1, 2]);
    expect(client.ofType('reset')).toEqual([]);
    // Continuity unprovable: Redis ran the append but its answer never came back.
    proxy.stall();
    a.notifier.notify({ collection: 'items', id: 3 });
    await new Promise((r) => setTimeout(r, 100));
    await proxy.down();
    await proxy.up();
    await client.next('reset');
    expect(
      errors.some((e) => (e as { code?: string }).code === 'ERR_CHANGEFEED_LOG_APPEND_LOST'),
    ).toBeTrue();
  });
});

describe('cluster mode with Postgres triggers (leaderSource, real Postgres and Redis)', () => {
  useCleanup();
  useRedisCleanup();
  const TABLE = `cf_cluster_${RUN}`;
  const CHANNEL = `cf_cluster_${RUN}`;
  let admin: pg.Client;

  useSpecTimeout(30_000);
  beforeAll(async () => {
    admin = await connectAdmin();
    await createNotifyTable(admin, TABLE, CHANNEL);
  });

  afterAll(async () => {
    await dropNotifyTable(admin, TABLE);
  });

  async function cluster(prefix: string, size: number) {
    const nodes: (Started & { errors: Error[]; source: LeaderSource })[] = [];
    for (let i = 0; i < size; i++) {
      const source = leaderSource({ connectionString: PG_URL, channel: CHANNEL, interval: 50 });
      nodes.push({ ...(await instance(prefix, { sources: [source] })), source });
    }
    await waitFor(
      () => nodes.filter((n) => n.source.isLeader()).length === 1,
      'exactly one leader',
      () => nodes.map((n) => n.source.isLeader()),
    );
    return nodes;
  }

  it('a trigger insert reaches every client of 3 instances exactly once', async () => {
    const nodes = await cluster(uniquePrefix(), 3);
    const clients = await Promise.all(nodes.map((n) => subscribed(n.url, ['items'])));
    await admin.query(`INSERT INTO "${TABLE}" (title) VALUES ('a'), ('b'), ('c')`);
    for (const c of clients) await c.waitNotifications(3);
    await new Promise((r) => setTimeout(r, 300)); // any duplicate would have come by now
    // The first leader's marker (nobody listened before it) may hold seq 1: seqs are consecutive, not from 1.
    const first = clients[0].seqs()[0];
    for (const c of clients) {
      expect(c.seqs()).toEqual([first, first + 1, first + 2]);
      expect(c.notifications).toEqual(clients[0].notifications);
    }
  });

  it('a terminated leader is replaced and the handover’s reset marker reaches every client', async () => {
    const nodes = await cluster(uniquePrefix(), 2);
    const clients = await Promise.all(nodes.map((n) => subscribed(n.url, ['items'])));
    const key = BigInt(leaderLockKey(CHANNEL));
    const { rows } = await admin.query<{ pid: number }>(
      "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = $2",
      [
        Number((BigInt.asUintN(64, key) >> 32n) & 0xffffffffn),
        Number(BigInt.asUintN(64, key) & 0xffffffffn),
      ],
    );
    expect(rows.length).toBe(1);
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    for (const c of clients) await c.next('reset');
    await admin.query(`INSERT INTO "${TABLE}" (title) VALUES ('after')`);
    for (const c of clients) await c.waitNotifications(1);
    expect(clients[0].notifications).toEqual(clients[1].notifications);
  });
});
