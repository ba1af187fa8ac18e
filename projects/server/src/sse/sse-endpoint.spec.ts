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
  const state = { res, text: '', events: [] as SseEvent[], ended: false };
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
          state.events = blocks.slice(0, -1).map((b) => {
            const e: SseEvent = {};
            for (const line of b.split('\n')) {
              const m = /^(id|event|data): (.*)$/.exec(line);
              if (m) e[m[1] as keyof SseEvent] = m[2];
            }
            return e;
          }).filter((e) => e.data !== undefined);
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
    await waitFor(() => s.events.length === 2, 'two events', 5000, () => s.text);
    expect(s.events).toEqual([
      { id: `${notifier.epoch}:1`, data: '{"collection":"forums","id":1,"seq":1}' },
      { id: `${notifier.epoch}:3`, data: '{"collection":"containers","id":3,"seq":3}' },
    ]);
    expect(s.text).toContain(`id: ${notifier.epoch}:0\n\n`);
  });

  it('replays after Last-Event-ID in the same epoch', async () => {
    const { http, notifier } = await startNotifier();
    for (let i = 0; i < 6; i++) notifier.notify({ collection: i % 2 ? 'a' : 'b', id: i });
    const s = await open(`${http}/events?collections=a`, { 'Last-Event-ID': `${notifier.epoch}:2` });
    await waitFor(() => s.events.length === 2, 'replayed events', 5000, () => s.text);
    expect(s.events.map((e) => e.id)).toEqual([`${notifier.epoch}:4`, `${notifier.epoch}:6`]);
    expect(s.text).not.toContain('event: reset');
    notifier.notify({ collection: 'a' });
    await waitFor(() => s.events.length === 3, 'live event after replay');
    expect(s.events[2].id).toBe(`${notifier.epoch}:7`);
  });

  it('sends event: reset for another epoch, a malformed id, or a gap outside the buffer', async () => {
    const { http, notifier } = await startNotifier({ retention: { count: 2 } });
    for (let i = 0; i < 5; i++) notifier.notify({ collection: 'a' });
    for (const id of ['other:1', 'garbage', `${notifier.epoch}:1`]) {
      const s = await open(`${http}/events?collections=a,b`, { 'Last-Event-ID': id });
      await waitFor(() => s.events.length === 1, `reset for ${id}`, 5000, () => s.text);
      expect(s.events[0]).toEqual({ event: 'reset', data: '{"type":"reset","collections":["a","b"]}' });
    }
  });

  it('forwards a source reset as event: reset', async () => {
    let sink!: import('../sources/source.js').SourceSink;
    const { http, notifier } = await startNotifier({ sources: [{ start: async (x) => void (sink = x), stop: async () => {} }] });
    const s = await open(`${http}/events?collections=a`);
    await waitFor(() => notifier.metrics().sseConnections === 1, 'stream registered');
    sink.reset();
    await waitFor(() => s.events.length === 1, 'reset event');
    expect(s.events[0].event).toBe('reset');
  });

  it('answers a bad query with 400', async () => {
    const { http } = await startNotifier();
    for (const q of ['', '?collections=', '?collections=a,,b', `?collections=${'x'.repeat(300)}`, `?collections=${Array.from({ length: 1001 }, (_, i) => i).join(',')}`]) {
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
    expect((await open(`${http}/events?collections=a`, { ...auth, origin: 'https://evil.example' })).res.status).toBe(403);
    expect((await open(`${http}/events?collections=a`)).res.status).toBe(401);
    const forbidden = await open(`${http}/events?collections=a,secret`, auth);
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
});
