import { connect, startNotifier, subscribed, useCleanup } from '../testing/helpers.js';
import { Hub } from './hub.js';

describe(Hub.name, () => {
  useCleanup();

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
