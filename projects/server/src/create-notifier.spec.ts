import { CloseCode } from '@changefeed/protocol';
import { createNotifier } from './create-notifier.js';
import type { Source, SourceSink } from './sources/source.js';
import {
  connect,
  onCleanup,
  startNotifier,
  subscribed,
  useCleanup,
  waitFor,
} from './testing/helpers.js';

describe('createNotifier', () => {
  useCleanup();

  it('sends welcome first with epoch, head and heartbeat', async () => {
    const { url, notifier } = await startNotifier({ heartbeat: 1234 });
    notifier.notify({ collection: 'a' });
    notifier.notify({ collection: 'a' });
    const c = connect(url);
    const welcome = await c.next('welcome');
    expect(c.frames[0]).toEqual({
      type: 'welcome',
      protocol: 1,
      epoch: notifier.epoch,
      seq: 2,
      heartbeat: 1234,
    });
    expect(welcome.epoch.length).toBeGreaterThan(0);
  });

  it('acknowledges subscribe with the head and delivers only subscribed collections, in order', async () => {
    const { url, notifier } = await startNotifier();
    notifier.notify({ collection: 'forums' });
    const c = await subscribed(url, ['forums', 'containers']);
    expect(c.ofType('subscribed')[0]).toEqual({
      type: 'subscribed',
      collections: ['forums', 'containers'],
      seq: 1,
    });
    notifier.notify({ collection: 'forums', op: 'insert', id: 1 });
    notifier.notify({ collection: 'other', op: 'insert', id: 2 });
    notifier.notify({
      collection: 'containers',
      op: 'delete',
      id: 'x',
      data: { a: 1 },
      extra: true,
    });
    await c.waitNotifications(2);
    expect(c.notifications).toEqual([
      { collection: 'forums', op: 'insert', id: 1, seq: 2 },
      { collection: 'containers', op: 'delete', id: 'x', data: { a: 1 }, extra: true, seq: 4 },
    ]);
  });

  it('notify() returns consecutive seqs at once and replaces a caller-given seq', async () => {
    const { notifier } = await startNotifier();
    expect(notifier.notify({ collection: 'a' })).toBe(1);
    expect(notifier.notify({ collection: 'a', seq: 99 })).toBe(2);
    expect(notifier.metrics().head).toBe(2);
  });

  it('notify() rejects invalid notifications with a TypeError and code', async () => {
    const { notifier } = await startNotifier();
    const bad: unknown[] = [
      null,
      'forums',
      [],
      {},
      { collection: '' },
      { collection: 'x'.repeat(257) },
      { collection: 'a', op: 1 },
      { collection: 'a', id: {} },
      { collection: 'a', id: NaN },
    ];
    for (const n of bad) {
      let error: unknown;
      try {
        notifier.notify(n as never);
      } catch (e) {
        error = e;
      }
      expect(error)
        .withContext(String(JSON.stringify(n, (_, v) => (typeof v === 'bigint' ? 'bigint' : v))))
        .toBeInstanceOf(TypeError);
      expect((error as { code?: string }).code).toBe('ERR_CHANGEFEED_INVALID_NOTIFICATION');
    }
    expect(notifier.metrics().head).toBe(0);
  });

  it('reports data JSON cannot carry and still delivers the hint without it', async () => {
    const errors: string[] = [];
    const { url, notifier } = await startNotifier({ onError: (e) => errors.push(e.code!) });
    const c = await subscribed(url, ['a']);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    notifier.notify({ collection: 'a', op: 'update', id: 1, data: 10n });
    notifier.notify({ collection: 'a', id: 2, data: cyclic });
    await c.waitNotifications(2);
    expect(c.notifications).toEqual([
      { collection: 'a', op: 'update', id: 1, seq: 1 },
      { collection: 'a', id: 2, seq: 2 },
    ]);
    expect(errors).toEqual([
      'ERR_CHANGEFEED_INVALID_NOTIFICATION',
      'ERR_CHANGEFEED_INVALID_NOTIFICATION',
    ]);
  });

  it('filters by row ids and still delivers whole-collection notifications', async () => {
    const { url, notifier } = await startNotifier();
    const c = await subscribed(url, ['products'], { ids: [7, 'sku-9'] });
    expect(c.ofType('subscribed')[0]).toEqual({
      type: 'subscribed',
      collections: ['products'],
      ids: [7, 'sku-9'],
      seq: 0,
    });
    notifier.notify({ collection: 'products', id: 8 });
    notifier.notify({ collection: 'products', id: '7' });
    notifier.notify({ collection: 'products', id: 'sku-9' });
    notifier.notify({ collection: 'products', op: 'reset' });
    await c.waitNotifications(3);
    expect(c.seqs()).toEqual([2, 3, 4]);
  });

  it('stops delivering after unsubscribe', async () => {
    const { url, notifier } = await startNotifier();
    const c = await subscribed(url, ['a', 'b']);
    c.send({ type: 'unsubscribe', collections: ['a'] });
    c.send({ type: 'ping' });
    await c.next('pong');
    notifier.notify({ collection: 'a' });
    notifier.notify({ collection: 'b' });
    await c.waitNotifications(1);
    c.send({ type: 'ping' });
    await c.next('pong', 2);
    expect(c.notifications.map((n) => n.collection)).toEqual(['b']);
    expect(notifier.metrics().subscriptions).toBe(1);
  });

  it('answers ping with pong', async () => {
    const { url } = await startNotifier();
    const c = connect(url);
    await c.next('welcome');
    c.send({ type: 'ping' });
    expect(await c.next('pong')).toEqual({ type: 'pong' });
  });

  it('replays missed notifications in order on resume in the same epoch', async () => {
    const { url, notifier } = await startNotifier();
    const first = await subscribed(url, ['a', 'b']);
    notifier.notify({ collection: 'a', id: 1 });
    await first.waitNotifications(1);
    first.ws.close();
    await first.closed;
    for (let i = 0; i < 20; i++)
      notifier.notify({ collection: i % 3 === 0 ? 'x' : i % 2 ? 'a' : 'b', id: i });
    const c = connect(url);
    await c.next('welcome');
    c.send({ type: 'subscribe', collections: ['a', 'b'] });
    c.send({ type: 'resume', epoch: notifier.epoch, after: 1 });
    await c.waitNotifications(13);
    const seqs = c.seqs();
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(seqs).toEqual([3, 4, 6, 7, 9, 10, 12, 13, 15, 16, 18, 19, 21]);
    expect(c.ofType('reset')).toEqual([]);
    notifier.notify({ collection: 'a' });
    await c.waitNotifications(14);
    expect(c.seqs().at(-1)).toBe(22);
    expect(notifier.metrics().replayed).toBe(13);
  });

  it('resets on resume from another epoch', async () => {
    const { url } = await startNotifier();
    const c = await subscribed(url, ['a', 'b']);
    c.send({ type: 'resume', epoch: 'some-other-epoch', after: 0 });
    expect(await c.next('reset')).toEqual({ type: 'reset', collections: ['a', 'b'] });
  });

  it('resets when the gap left the buffer (count) and when after is ahead of head', async () => {
    const { url, notifier } = await startNotifier({ retention: { count: 5 } });
    for (let i = 0; i < 10; i++) notifier.notify({ collection: 'a' });
    const c = await subscribed(url, ['a']);
    c.send({ type: 'resume', epoch: notifier.epoch, after: 4 });
    await c.next('reset');
    c.send({ type: 'resume', epoch: notifier.epoch, after: 11 });
    await c.next('reset', 2);
    const d = await subscribed(url, ['a']);
    d.send({ type: 'resume', epoch: notifier.epoch, after: 5 });
    await d.waitNotifications(5);
    expect(d.seqs()).toEqual([6, 7, 8, 9, 10]);
    expect(d.ofType('reset')).toEqual([]);
  });

  it('resets when the gap is older than retention.ms', async () => {
    const { url, notifier } = await startNotifier({ retention: { ms: 1 } });
    notifier.notify({ collection: 'a' });
    notifier.notify({ collection: 'a' });
    const c = await subscribed(url, ['a']);
    await new Promise((r) => setTimeout(r, 20));
    c.send({ type: 'resume', epoch: notifier.epoch, after: 0 });
    await c.next('reset');
    expect(c.notifications).toEqual([]);
  });

  it('never sends a seq at or below one already sent (resume after live delivery resets)', async () => {
    const { url, notifier } = await startNotifier();
    const c = await subscribed(url, ['a']);
    notifier.notify({ collection: 'a' });
    notifier.notify({ collection: 'a' });
    await c.waitNotifications(2);
    c.send({ type: 'resume', epoch: notifier.epoch, after: 0 });
    await c.next('reset');
    notifier.notify({ collection: 'a' });
    await c.waitNotifications(3);
    expect(c.seqs()).toEqual([1, 2, 3]);
  });

  it('holds live deliveries while an async authorize is pending, then replays and resumes in order', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { url, notifier } = await startNotifier({ authorize: async () => (await gate, true) });
    notifier.notify({ collection: 'a' });
    notifier.notify({ collection: 'a' });
    const c = connect(url);
    await c.next('welcome');
    c.send({ type: 'subscribe', collections: ['a'] });
    c.send({ type: 'resume', epoch: notifier.epoch, after: 1 });
    c.send({ type: 'ping' });
    await waitFor(
      () => notifier.metrics().subscriptions === 0 && notifier.metrics().connections === 1,
      'connection',
    );
    for (let i = 0; i < 5; i++) notifier.notify({ collection: 'a' });
    await new Promise((r) => setImmediate(r));
    release();
    await c.next('pong');
    await c.waitNotifications(6);
    expect(c.seqs()).toEqual([2, 3, 4, 5, 6, 7]);
    expect(c.frames.map((f) => ('collection' in f ? 'n' : (f as { type: string }).type))).toEqual([
      'welcome',
      'subscribed',
      'n',
      'n',
      'n',
      'n',
      'n',
      'n',
      'pong',
    ]);
  });

  it('refuses a forbidden collection with an error frame and never delivers it', async () => {
    const { url, notifier } = await startNotifier({ authorize: (_u, c) => c !== 'secret' });
    const c = connect(url);
    await c.next('welcome');
    c.send({ type: 'subscribe', collections: ['secret', 'public'] });
    expect(await c.next('subscribed')).toEqual({
      type: 'subscribed',
      collections: ['public'],
      seq: 0,
    });
    expect(await c.next('error')).toEqual({
      type: 'error',
      code: 'forbidden',
      message: jasmine.any(String),
      collections: ['secret'],
    });
    notifier.notify({ collection: 'secret', id: 1 });
    notifier.notify({ collection: 'public', id: 2 });
    c.send({ type: 'resume', epoch: notifier.epoch, after: 0 });
    notifier.notify({ collection: 'secret', id: 3 });
    notifier.notify({ collection: 'public', id: 4 });
    await c.waitNotifications(2);
    c.send({ type: 'ping' });
    await c.next('pong');
    expect(c.notifications.map((n) => n.collection)).toEqual(['public', 'public']);
    expect(notifier.metrics().forbidden).toBe(1);
  });

  it('passes user, collection and ids to authorize; a throwing authorize refuses with internal', async () => {
    const calls: unknown[] = [];
    const errors: unknown[] = [];
    const { url } = await startNotifier({
      authenticate: () => ({ name: 'ann' }),
      authorize: (user, collection, ids) => {
        calls.push([user, collection, ids]);
        if (collection === 'boom') throw new Error('db down');
        return true;
      },
      onError: (e) => errors.push(e.code),
    });
    const c = connect(url);
    await c.next('welcome');
    c.send({ type: 'subscribe', collections: ['p', 'boom'], ids: [1] });
    await c.next('subscribed');
    expect(await c.next('error')).toEqual({
      type: 'error',
      code: 'internal',
      message: jasmine.any(String),
      collections: ['boom'],
    });
    expect(calls).toEqual([
      [{ name: 'ann' }, 'p', [1]],
      [{ name: 'ann' }, 'boom', [1]],
    ]);
    expect(errors).toEqual(['ERR_CHANGEFEED_AUTHORIZE_FAILED']);
  });

  it('closes with 4401 when authenticate returns null, and sends nothing else', async () => {
    const { url, notifier } = await startNotifier({
      authenticate: async (req) => (req.headers.authorization === 'Bearer good' ? {} : null),
    });
    const bad = connect(url, { headers: { authorization: 'Bearer bad' } });
    expect(await bad.closed).toBe(CloseCode.Unauthenticated);
    expect(bad.frames).toEqual([]);
    const good = connect(url, { headers: { authorization: 'Bearer good' } });
    await good.next('welcome');
    expect(notifier.metrics().unauthenticated).toBe(1);
  });

  it('refuses a cross-site upgrade with HTTP 403 and allows same-origin and non-browser clients', async () => {
    const { url, port, notifier } = await startNotifier();
    const evil = connect(url, { headers: { origin: 'https://evil.example' } });
    await expectAsync(evil.opened).toBeRejected();
    expect(evil.unexpected?.status).toBe(403);
    const nullOrigin = connect(url, { headers: { origin: 'null' } });
    await expectAsync(nullOrigin.opened).toBeRejected();
    expect(nullOrigin.unexpected?.status).toBe(403);
    const same = connect(url, { headers: { origin: `http://127.0.0.1:${port}` } });
    await same.next('welcome');
    const cli = connect(url);
    await cli.next('welcome');
    expect(notifier.metrics().refused).toBe(2);
  });

  it('honours an origins allow-list and the explicit "*"', async () => {
    const listed = await startNotifier({ origins: ['https://app.example'] });
    const ok = connect(listed.url, { headers: { origin: 'https://app.example' } });
    await ok.next('welcome');
    const same = connect(listed.url, { headers: { origin: `http://127.0.0.1:${listed.port}` } });
    await expectAsync(same.opened).toBeRejected();
    expect(same.unexpected?.status).toBe(403);
    const any = await startNotifier({ origins: '*' });
    const evil = connect(any.url, { headers: { origin: 'https://evil.example' } });
    await evil.next('welcome');
  });

  it('answers an upgrade on another path with 404', async () => {
    const { http } = await startNotifier();
    const c = connect(http.replace('http', 'ws') + '/nope');
    await expectAsync(c.opened).toBeRejected();
    expect(c.unexpected?.status).toBe(404);
  });

  it('leaves other paths to other upgrade listeners', async () => {
    const { server, http } = await startNotifier();
    const { WebSocketServer } = await import('ws');
    const other = new WebSocketServer({ noServer: true });
    onCleanup(() => new Promise((r) => other.close(r)));
    server.on('upgrade', (req, socket, head) => {
      if (req.url === '/other') other.handleUpgrade(req, socket, head, (ws) => ws.send('hi'));
    });
    const c = connect(http.replace('http', 'ws') + '/other');
    await c.opened;
    await waitFor(() => c.malformed.length === 1, 'a frame from the other server');
  });

  it('listens on its own port when given port, and serves 404 for other requests', async () => {
    const notifier = createNotifier({ port: 0, host: '127.0.0.1' });
    onCleanup(() => notifier.close());
    await notifier.ready;
    const port = notifier.address()!.port;
    expect(port).toBeGreaterThan(0);
    const c = connect(`ws://127.0.0.1:${port}/ws`);
    await c.next('welcome');
    expect((await fetch(`http://127.0.0.1:${port}/nothing`)).status).toBe(404);
  });

  it('rejects ready when the port is taken', async () => {
    const a = createNotifier({ port: 0, host: '127.0.0.1', onError: () => {} });
    onCleanup(() => a.close());
    await a.ready;
    const b = createNotifier({ port: a.address()!.port, host: '127.0.0.1', onError: () => {} });
    onCleanup(() => b.close());
    await expectAsync(b.ready).toBeRejectedWith(
      jasmine.objectContaining({ code: 'ERR_CHANGEFEED_SERVER' }),
    );
  });

  it('close() sends 1001 to every client, ends SSE streams and stops sources', async () => {
    let stopped = 0;
    const source: Source = { start: async () => {}, stop: async () => void stopped++ };
    const { url, notifier, http } = await startNotifier({ sources: [source] });
    const a = await subscribed(url, ['a']);
    const b = connect(url);
    await b.next('welcome');
    const res = await fetch(`${http}/events?collections=a`);
    const reader = res.body!.getReader();
    notifier.notify({ collection: 'a' });
    await notifier.close();
    expect(await a.closed).toBe(CloseCode.GoingAway);
    expect(await b.closed).toBe(CloseCode.GoingAway);
    // The notification made before close() was delivered first.
    expect(a.seqs()).toEqual([1]);
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(stopped).toBe(1);
    expect(notifier.metrics().connections).toBe(0);
    expect(() => notifier.notify({ collection: 'a' })).toThrowMatching(
      (e) => e.code === 'ERR_CHANGEFEED_CLOSED',
    );
    await notifier.close();
  });

  it('terminates a peer that stops answering heartbeats', async () => {
    const { url, notifier } = await startNotifier({ heartbeat: 30 });
    const c = connect(url, { autoPong: false });
    await c.next('welcome');
    const code = await c.closed;
    expect(code).toBe(1006);
    await waitFor(() => notifier.metrics().connections === 0, 'server to drop the connection');
  });

  it('sends reset to subscribed clients when a source resets, and refuses resumes across it', async () => {
    let sink!: SourceSink;
    const source: Source = { start: async (s) => void (sink = s), stop: async () => {} };
    const { url, notifier } = await startNotifier({ sources: [source] });
    const c = await subscribed(url, ['a', 'b']);
    const other = await subscribed(url, ['z']);
    sink.notify({ collection: 'a', id: 1 });
    sink.reset(['a']);
    expect(await c.next('reset')).toEqual({ type: 'reset', collections: ['a'] });
    expect(c.seqs()).toEqual([1]);
    sink.reset();
    expect(await c.next('reset', 2)).toEqual({ type: 'reset', collections: ['a', 'b'] });
    expect(await other.next('reset')).toEqual({ type: 'reset', collections: ['z'] });
    const late = await subscribed(url, ['a']);
    late.send({ type: 'resume', epoch: notifier.epoch, after: 0 });
    await late.next('reset');
    expect(late.notifications).toEqual([]);
    expect(notifier.metrics().sourceResets).toBe(2);
  });

  it('reports an invalid source payload through onError and keeps going', async () => {
    let sink!: SourceSink;
    const errors: string[] = [];
    const { url } = await startNotifier({
      sources: [{ start: async (s) => void (sink = s), stop: async () => {} }],
      onError: (e) => errors.push(e.code!),
    });
    const c = await subscribed(url, ['a']);
    sink.notify({ collection: 42 } as never);
    sink.notify({ collection: 'a' });
    await c.waitNotifications(1);
    expect(errors).toEqual(['ERR_CHANGEFEED_SOURCE_PAYLOAD']);
  });

  it('exposes metrics as an object and as Prometheus text on metricsPath', async () => {
    const { url, notifier, http } = await startNotifier({ metricsPath: '/metrics' });
    const c = await subscribed(url, ['a']);
    notifier.notify({ collection: 'a' });
    await c.waitNotifications(1);
    c.raw('nope');
    await c.next('error');
    expect(notifier.metrics()).toEqual(
      jasmine.objectContaining({
        connections: 1,
        subscriptions: 1,
        notifications: 1,
        deliveries: 1,
        badFrames: 1,
        head: 1,
        buffered: 1,
      }),
    );
    const res = await fetch(`${http}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('changefeed_connections 1');
    expect(text).toContain('changefeed_deliveries_total 1');
    expect(text).toContain('changefeed_bad_frames_total 1');
    expect(await notifier.metricsText()).toContain('# TYPE changefeed_drops_total counter');
  });

  it('handleRequest() returns false for requests that are not its own', async () => {
    const { notifier } = await startNotifier();
    expect(
      notifier.handleRequest(
        { url: '/api/forums', method: 'GET', headers: {} } as never,
        {} as never,
      ),
    ).toBeFalse();
  });
});
