import { CloseCode } from '@changefeed/protocol';
import {
  connect,
  startNotifier,
  subscribed,
  useCleanup,
  type TestClient,
} from '../testing/helpers.js';

/** Frames as letters, notifications by seq: the order a client saw. */
function transcript(c: TestClient): string[] {
  return c.frames.map((f) => ('collection' in f ? `#${f.seq}` : (f as { type: string }).type));
}

/**
 * A reconnecting client sends `resume {epoch, after, subscribes: n}` ahead of its n subscribes.
 * The frames may reach the server in separate reads, with live notifications in between; the
 * resume waits for its subscribes so that none of those can pass `after` first (which would
 * leave the server no answer but a reset, and every view would refetch).
 */
describe('resume ahead of its subscribes', () => {
  useCleanup();

  it('replays across subscribes that arrive apart, with live notifications between them, and resets nothing', async () => {
    const { url, notifier } = await startNotifier();
    const before = await subscribed(url, ['a']);
    notifier.notify({ collection: 'a', id: 1 });
    await before.waitNotifications(1);
    before.ws.close();
    await before.closed;
    // Missed while away: seqs 2–7, on a, on rows of b, on c (not wanted).
    for (const [collection, id] of [
      ['a', 2],
      ['b', 7],
      ['c', 1],
      ['b', 8],
      ['a', 3],
      ['b', 9],
    ] as const)
      notifier.notify({ collection, id });

    const c = connect(url);
    await c.next('welcome');
    c.send({ type: 'resume', epoch: notifier.epoch, after: 1, subscribes: 2 });
    c.send({ type: 'subscribe', collections: ['a'] });
    await c.next('subscribed');
    // Live, while the second subscribe is still on its way: held, not sent ahead of the replay.
    notifier.notify({ collection: 'a', id: 4 });
    notifier.notify({ collection: 'b', id: 7 });
    await new Promise((r) => setTimeout(r, 20));
    c.send({ type: 'subscribe', collections: ['b'], ids: [7, 9] });
    await c.waitNotifications(6);
    notifier.notify({ collection: 'b', id: 9 });
    await c.waitNotifications(7);

    expect(transcript(c)).toEqual([
      'welcome',
      'subscribed',
      'subscribed',
      '#2',
      '#3',
      '#6',
      '#7',
      '#8',
      '#9',
      '#10',
    ]);
    expect(c.notifications.map((n) => `${n.collection}${n.id}`)).toEqual([
      'a2',
      'b7',
      'a3',
      'b9',
      'a4',
      'b7',
      'b9',
    ]);
    expect(c.ofType('reset')).toEqual([]);
  });

  it('holds live notifications for as long as its subscribes take to authorize', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { url, notifier } = await startNotifier({
      authorize: async (_user, collection) => (collection === 'b' && (await gate), true),
    });
    notifier.notify({ collection: 'a' });
    const c = connect(url);
    await c.next('welcome');
    c.send({ type: 'resume', epoch: notifier.epoch, after: 0, subscribes: 2 });
    c.send({ type: 'subscribe', collections: ['a'] });
    c.send({ type: 'subscribe', collections: ['b'] });
    await c.next('subscribed');
    notifier.notify({ collection: 'a' });
    notifier.notify({ collection: 'b' });
    await new Promise((r) => setTimeout(r, 20));
    expect(c.notifications).toEqual([]);
    release();
    await c.waitNotifications(3);
    expect(c.seqs()).toEqual([1, 2, 3]);
    expect(c.ofType('reset')).toEqual([]);
  });

  it('answers with a reset when the gap cannot be replayed, once its subscribes are in', async () => {
    const { url, notifier } = await startNotifier();
    const c = connect(url);
    await c.next('welcome');
    c.send({ type: 'resume', epoch: 'an-earlier-epoch', after: 3, subscribes: 1 });
    c.send({ type: 'subscribe', collections: ['a', 'b'] });
    expect(await c.next('reset')).toEqual({ type: 'reset', collections: ['a', 'b'] });
    notifier.notify({ collection: 'a' });
    await c.waitNotifications(1);
    expect(transcript(c)).toEqual(['welcome', 'subscribed', 'reset', '#1']);
  });

  it('refuses a second resume while one waits, with an error frame', async () => {
    const { url, notifier } = await startNotifier();
    const c = connect(url);
    await c.next('welcome');
    c.send({ type: 'resume', epoch: notifier.epoch, after: 0, subscribes: 1 });
    c.send({ type: 'resume', epoch: notifier.epoch, after: 0, subscribes: 1 });
    const error = await c.next('error');
    expect(error.code).toBe('bad_request');
    expect(error.message).toContain('still waiting for 1 subscribe');
    c.send({ type: 'subscribe', collections: ['a'] });
    await c.next('subscribed');
    notifier.notify({ collection: 'a' });
    await c.waitNotifications(1);
  });

  it('stops waiting with a reset when the rate limit dropped subscribes it counted on', async () => {
    const { url, notifier } = await startNotifier({ rateLimit: { commands: 3, perMs: 60_000 } });
    const c = connect(url);
    await c.next('welcome');
    c.send({ type: 'resume', epoch: notifier.epoch, after: 0, subscribes: 4 });
    for (const collection of ['a', 'b', 'c', 'd'])
      c.send({ type: 'subscribe', collections: [collection] });
    expect((await c.next('error')).code).toBe('rate_limited');
    expect(await c.next('reset')).toEqual({ type: 'reset', collections: ['a', 'b'] });
    notifier.notify({ collection: 'a' });
    await c.waitNotifications(1);
  });

  it('closes 1013 rather than hold without bound when its subscribes never come', async () => {
    const { url, notifier } = await startNotifier({ retention: { count: 5 } });
    const c = connect(url);
    await c.next('welcome');
    c.send({ type: 'resume', epoch: notifier.epoch, after: 0, subscribes: 2 });
    c.send({ type: 'subscribe', collections: ['a'] });
    await c.next('subscribed');
    for (let i = 0; i < 6; i++) notifier.notify({ collection: 'a' });
    expect(await c.closed).toBe(CloseCode.TryLater);
  });
});
