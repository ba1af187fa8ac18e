import net from 'node:net';
import { startNotifier, useCleanup, waitFor, onCleanup } from '../testing/helpers.js';

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** Reads an event stream into parsed events (and raw text for comments). */
async function open(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  onCleanup(() => controller.abort());
  const res = await fetch(url, { headers, signal: controller.signal });
  // `events` leaves out the `welcome` every stream starts with; `welcome` holds it.
  const state = {
    res,
    text: '',
    events: [] as SseEvent[],
    welcome: undefined as SseEvent | undefined,
    ended: false,
  };
  if (res.status === 200) {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          state.text += decoder.decode(value, { stream: true });
          const blocks = state.text.split('\n\n');
          const all = blocks
            .slice(0, -1)
            .map((b) => {
              const e: SseEvent = {};
              for (const line of b.split('\n')) {
                const m = /^(id|event|data): (.*)$/.exec(line);
                if (m) e[m[1] as keyof SseEvent] = m[2];
              }
              return e;
            })
            .filter((e) => e.data !== undefined);
          state.welcome = all.find((e) => e.event === 'welcome');
          state.events = all.filter((e) => e.event !== 'welcome');
        }
      } catch {
        // aborted
      }
      state.ended = true;
    })();
  } else {
    state.text = await res.text();
  }
  return state;
}

describe('SSE endpoint', () => {
  useCleanup();

  it('streams matching notifications with id <epoch>:<seq> and the right headers', async () => {
    const { http, notifier } = await startNotifier();
    const s = await open(`${http}/events?collections=forums,containers`);
    expect(s.res.status).toBe(200);
    expect(s.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(s.res.headers.get('x-accel-buffering')).toBe('no');
    expect(s.res.headers.get('cache-control')).toContain('no-cache');
    await waitFor(() => notifier.metrics().sseConnections === 1, 'stream registered');
    notifier.notify({ collection: 'forums', id: 1 });
    notifier.notify({ collection: 'other', id: 2 });
    notifier.notify({ collection: 'containers', id: 3 });
    await waitFor(
      () => s.events.length === 2,
      'two events',
      5000,
      () => s.text,
    );
    expect(s.events).toEqual([
      { id: `${notifier.epoch}:1`, data: '{"collection":"forums","id":1,"seq":1}' },
      { id: `${notifier.epoch}:3`, data: '{"collection":"containers","id":3,"seq":3}' },
    ]);
    expect(s.text).toContain(`id: ${notifier.epoch}:0\n\n`);
  });

  it('replays after Last-Event-ID in the same epoch', async () => {
    const { http, notifier } = await startNotifier();
    for (let i = 0; i < 6; i++) notifier.notify({ collection: i % 2 ? 'a' : 'b', id: i });
    const s = await open(`${http}/events?collections=a`, {
      'Last-Event-ID': `${notifier.epoch}:2`,
    });
    await waitFor(
      () => s.events.length === 2,
      'replayed events',
      5000,
      () => s.text,
    );
    expect(s.events.map((e) => e.id)).toEqual([`${notifier.epoch}:4`, `${notifier.epoch}:6`]);
    expect(s.text).not.toContain('event: reset');
    notifier.notify({ collection: 'a' });
    await waitFor(() => s.events.length === 3, 'live event after replay');
    expect(s.events[2].id).toBe(`${notifier.epoch}:7`);
  });

  it('starts with event: welcome naming the epoch and the seq it is live from, when asked', async () => {
    const { http, notifier } = await startNotifier({ heartbeat: 1000 });
    for (let i = 0; i < 3; i++) notifier.notify({ collection: 'b' });
    const plain = await open(`${http}/events?collections=a`);
    const s = await open(`${http}/events?collections=a&welcome=1`);
    await waitFor(
      () => s.welcome !== undefined,
      'the welcome event',
      5000,
      () => s.text,
    );
    expect(JSON.parse(s.welcome!.data!)).toEqual({
      type: 'welcome',
      protocol: 1,
      epoch: notifier.epoch,
      seq: 3,
      heartbeat: 1000,
    });
    // Before anything replayed or streamed, so a client knows where the stream starts.
    expect(s.text.indexOf('event: welcome')).toBeLessThan(
      s.text.indexOf(`id: ${notifier.epoch}:3`),
    );
    // Without welcome=1 the stream is as it always was.
    await waitFor(() => plain.text.includes(`id: ${notifier.epoch}:3`), 'the plain stream');
    expect(plain.text).not.toContain('welcome');
  });

  it('replays after a lastEventId query parameter, which a new EventSource can send', async () => {
    const { http, notifier } = await startNotifier();
    for (let i = 0; i < 4; i++) notifier.notify({ collection: 'a', id: i });
    const s = await open(
      `${http}/events?collections=a&lastEventId=${encodeURIComponent(`${notifier.epoch}:2`)}`,
    );
    await waitFor(
      () => s.events.length === 2,
      'replayed events',
      5000,
      () => s.text,
    );
    expect(s.events.map((e) => e.id)).toEqual([`${notifier.epoch}:3`, `${notifier.epoch}:4`]);
    expect(s.text).not.toContain('event: reset');
    const other = await open(`${http}/events?collections=a&lastEventId=other:2`);
    await waitFor(() => other.events.length === 1, 'a reset for another epoch');
    expect(other.events[0].event).toBe('reset');
  });

  it('sends event: reset for another epoch, a malformed id, or a gap outside the buffer', async () => {
    const { http, notifier } = await startNotifier({ retention: { count: 2 } });
    for (let i = 0; i < 5; i++) notifier.notify({ collection: 'a' });
    for (const id of ['other:1', 'garbage', `${notifier.epoch}:1`]) {
      const s = await open(`${http}/events?collections=a,b`, { 'Last-Event-ID': id });
      await waitFor(
        () => s.events.length === 1,
        `reset for ${id}`,
        5000,
        () => s.text,
      );
      expect(s.events[0]).toEqual({
        event: 'reset',
        data: '{"type":"reset","collections":["a","b"]}',
      });
    }
  });

  it('forwards a source reset as event: reset', async () => {
    let sink!: import('../sources/source.js').SourceSink;
    const { http, notifier } = await startNotifier({
      sources: [{ start: async (x) => void (sink = x), stop: async () => {} }],
    });
    const s = await open(`${http}/events?collections=a`);
    await waitFor(() => notifier.metrics().sseConnections === 1, 'stream registered');
    sink.reset();
    await waitFor(() => s.events.length === 1, 'reset event');
    expect(s.events[0].event).toBe('reset');
  });

  it('answers a bad query with 400', async () => {
    const { http } = await startNotifier();
    for (const q of [
      '',
      '?collections=',
      '?collections=a,,b',
      `?collections=${'x'.repeat(300)}`,
      `?collections=${Array.from({ length: 1001 }, (_, i) => i).join(',')}`,
    ]) {
      const s = await open(`${http}/events${q}`);
      expect(s.res.status).withContext(q.slice(0, 40)).toBe(400);
      expect(s.text).toContain('collections');
    }
  });

  it('applies the origin, authenticate and authorize rules', async () => {
    const { http } = await startNotifier({
      authenticate: (req) => (req.headers.authorization === 'Bearer t' ? { id: 1 } : null),
      authorize: (_u, c) => c !== 'secret',
    });
    const auth = { authorization: 'Bearer t' };
    expect(
      (await open(`${http}/events?collections=a`, { ...auth, origin: 'https://evil.example' })).res
        .status,
    ).toBe(403);
    expect((await open(`${http}/events?collections=a`)).res.status).toBe(401);
    const forbidden = await open(`${http}/events?collections=secret`, auth);
    expect(forbidden.res.status).toBe(403);
    expect(forbidden.text).toContain('secret');
    expect((await open(`${http}/events?collections=a`, auth)).res.status).toBe(200);
  });

  it('is disabled with ssePath: false', async () => {
    const { http } = await startNotifier({ ssePath: false });
    expect((await open(`${http}/events?collections=a`)).res.status).toBe(404);
  });

  it('sends comment heartbeats', async () => {
    const { http } = await startNotifier({ heartbeat: 20 });
    const s = await open(`${http}/events?collections=a`);
    await waitFor(() => s.text.includes(': heartbeat\n\n'), 'a heartbeat comment');
  });

  it('answers per collection: refused ones named in event: error while the others stream', async () => {
    const { http, notifier } = await startNotifier({
      authorize: (_u, c) => (c === 'boom' ? Promise.reject(new Error('down')) : c !== 'secret'),
      onError: () => {},
    });
    const s = await open(`${http}/events?collections=a,secret,boom`);
    expect(s.res.status).toBe(200);
    await waitFor(
      () => s.events.length === 2,
      'two error events',
      5000,
      () => s.text,
    );
    expect(
      s.events.map((e) => [e.event, JSON.parse(e.data!).code, JSON.parse(e.data!).collections]),
    ).toEqual([
      ['error', 'forbidden', ['secret']],
      ['error', 'internal', ['boom']],
    ]);
    notifier.notify({ collection: 'secret' });
    notifier.notify({ collection: 'a', id: 1 });
    await waitFor(() => s.events.length === 3, 'the allowed collection');
    expect(s.events[2].data).toBe('{"collection":"a","id":1,"seq":2}');
    expect((await open(`${http}/events?collections=secret`)).res.status).toBe(403);
  });

  it('narrows collections to the rows named in ids', async () => {
    const { http, notifier } = await startNotifier();
    const s = await open(`${http}/events?collections=p&ids=7,x`);
    await waitFor(() => notifier.metrics().sseConnections === 1, 'stream registered');
    for (const id of [1, 7, 'x', 'y']) notifier.notify({ collection: 'p', id });
    notifier.notify({ collection: 'p' });
    await waitFor(
      () => s.events.length === 3,
      'matching rows and the whole-collection hint',
      5000,
      () => s.text,
    );
    expect(s.events.map((e) => JSON.parse(e.data!).id)).toEqual([7, 'x', undefined]);
    expect((await open(`${http}/events?collections=p&ids=`)).res.status).toBe(400);
  });

  it('narrows a collection to rows of its own with ids.<collection>', async () => {
    const seen: [string, unknown][] = [];
    const { http, notifier } = await startNotifier({
      authorize: (_u, c, ids) => (seen.push([c, ids]), true),
    });
    const s = await open(`${http}/events?collections=p,q,r&ids=1&ids.q=7,8`);
    await waitFor(() => notifier.metrics().sseConnections === 1, 'stream registered');
    expect(seen).toEqual([
      ['p', ['1']],
      ['q', ['7', '8']],
      ['r', ['1']],
    ]);
    for (const [collection, id] of [
      ['p', 1],
      ['p', 7],
      ['q', 1],
      ['q', 8],
      ['r', 1],
    ] as const)
      notifier.notify({ collection, id });
    await waitFor(
      () => s.events.length === 3,
      'the rows of each',
      5000,
      () => s.text,
    );
    expect(s.events.map((e) => JSON.parse(e.data!))).toEqual([
      jasmine.objectContaining({ collection: 'p', id: 1 }),
      jasmine.objectContaining({ collection: 'q', id: 8 }),
      jasmine.objectContaining({ collection: 'r', id: 1 }),
    ]);
    for (const q of [
      '?collections=p&ids.q=1',
      '?collections=p&ids.p=',
      `?collections=p&ids.p=${'x'.repeat(300)}`,
    ]) {
      const bad = await open(`${http}/events${q}`);
      expect(bad.res.status).withContext(q).toBe(400);
      expect(bad.text).toContain('ids.');
    }
  });

  it('gives credentials only to listed origins, never with origins: *', async () => {
    const any = await startNotifier({ origins: '*' });
    const open1 = await open(`${any.http}/events?collections=a`, {
      origin: 'https://evil.example',
    });
    expect(open1.res.headers.get('access-control-allow-origin')).toBe('*');
    expect(open1.res.headers.get('access-control-allow-credentials')).toBeNull();
    const listed = await startNotifier({ origins: ['https://app.example'] });
    const open2 = await open(`${listed.http}/events?collections=a`, {
      origin: 'https://app.example',
    });
    expect(open2.res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(open2.res.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('ends a stream whose reader is frozen behind a proxy once sseMaxAge has passed', async () => {
    const { port, notifier } = await startNotifier({ sseMaxAge: 300 });
    const { proxyPort } = await frozenProxy(port);
    const s = await rawGet(proxyPort, '/events?collections=a');
    await waitFor(() => notifier.metrics().sseConnections === 1, 'stream registered');
    s.pause();
    await waitFor(() => notifier.metrics().sseConnections === 0, 'the stream to be ended', 5000);
  });

  it('drops a stream whose buffer makes no progress between heartbeats', async () => {
    const { port, notifier } = await startNotifier({
      heartbeat: 100,
      maxBuffered: 256 * 1024 * 1024,
    });
    const s = await rawGet(port, '/events?collections=a');
    s.pause();
    await waitFor(() => notifier.metrics().sseConnections === 1, 'stream registered');
    // Far more than the kernel's socket buffers hold, far less than maxBuffered.
    const data = 'x'.repeat(128 * 1024);
    for (let i = 0; i < 30 && notifier.metrics().drops === 0; i++) {
      for (let j = 0; j < 10; j++) notifier.notify({ collection: 'a', data });
      await new Promise((r) => setImmediate(r));
    }
    await waitFor(
      () => notifier.metrics().drops === 1 && notifier.metrics().sseConnections === 0,
      'the stuck stream to be dropped',
      5000,
    );
  });
});

/** A TCP proxy to the notifier; the spec freezes it by pausing its client socket, as a stuck reader behind a proxy. */
async function frozenProxy(port: number): Promise<{ proxyPort: number }> {
  const links: net.Socket[] = [];
  const proxy = net.createServer((down) => {
    const up = net.connect(port, '127.0.0.1');
    links.push(down, up);
    for (const sock of [down, up]) sock.on('error', () => {});
    down.pipe(up).pipe(down);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  onCleanup(async () => {
    for (const l of links) l.destroy();
    await new Promise((r) => proxy.close(r));
  });
  return { proxyPort: (proxy.address() as net.AddressInfo).port };
}

/** A GET on a raw TCP socket, so the spec can stop reading (pause) as a frozen client does. */
async function rawGet(port: number, path: string): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  onCleanup(() => socket.destroy());
  await new Promise((r) => socket.once('connect', r));
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
  return socket;
}
