import { Hub } from './hub.js';
import { createCounters } from './metrics.js';
import { connect, startNotifier, subscribed, useCleanup } from './testing/helpers.js';

describe(Hub.name, () => {
  useCleanup();

  function setup() {
    const hub = new Hub('e1', { count: 100, ms: 60_000 }, createCounters());
    const entries = ['a', 'b', 'c'].map((collection) => {
      hub.notify({ collection });
      return [...hub.since(hub.head - 1)][0];
    });
    return { hub, frames: entries.map((e) => hub.frame(e)) };
  }

  it('joins the same frames once per turn, for every socket that gets them', () => {
    const { hub, frames } = setup();
    const [a, b] = frames;
    const first = hub.joined([a, b], a.length + b.length);
    const second = hub.joined([a, b], a.length + b.length);
    expect(second).withContext('a second socket with the same frames got a new copy').toBe(first);
    expect(first).toEqual(Buffer.concat([a, b]));
  });

  it('joins other frames of the same count and size anew', () => {
    const { hub, frames } = setup();
    const [a, b, c] = frames;
    expect(b.length).toBe(c.length);
    hub.joined([a, b], a.length + b.length);
    expect(hub.joined([a, c], a.length + c.length)).toEqual(Buffer.concat([a, c]));
    expect(hub.joined([a, b], a.length + b.length)).toEqual(Buffer.concat([a, b]));
  });

  it('sends each socket exactly its own frames when a turn fans out several notifications', async () => {
    const { url, notifier } = await startNotifier();
    const ab = await subscribed(url, ['a', 'b']);
    const ac = await subscribed(url, ['a', 'c']);
    const ab2 = await subscribed(url, ['a', 'b']);
    const none = connect(url);
    await none.next('welcome');
    for (const collection of ['a', 'b', 'c', 'a']) notifier.notify({ collection });
    await Promise.all([ab.waitNotifications(3), ac.waitNotifications(3), ab2.waitNotifications(3)]);
    const got = (c: typeof ab) => c.notifications.map((n) => `${n.collection}${n.seq}`).join(' ');
    expect(got(ab)).toBe('a1 b2 a4');
    expect(got(ac)).toBe('a1 c3 a4');
    expect(got(ab2)).toBe('a1 b2 a4');
    expect(none.notifications).toEqual([]);
  });
});
