import type { SharedLog } from '../cluster/shared-log.js';
import { connect, startNotifier, subscribed, useCleanup } from '../testing/helpers.js';
import { Hub } from './hub.js';
import { createCounters } from './metrics.js';

/** A shared log that only records what the hub appends. */
function recordingLog(): SharedLog & { appends: string[][] } {
  const appends: string[][] = [];
  const never = () => new Promise<never>(() => {});
  return {
    appends,
    append: (batch) => void appends.push([...batch]),
    appendReset: () => {},
    tail: never,
    readRange: never,
    flush: () => Promise.resolve(),
    settle: () => Promise.resolve(),
    stats: () => ({ appended: 0, dropped: 0, pending: 0, gaps: 0, connected: true }),
    close: () => Promise.resolve(),
  };
}

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

  it('appends the notifications of one task in one batch when it ends, before any immediate (cluster mode)', async () => {
    const log = recordingLog();
    const hub = new Hub('', { count: 100, ms: 60_000 }, createCounters(), undefined, log);
    // An immediate queued before the notifications: an append left for the fan-out's immediate
    // would be written by the Redis client only in the next loop iteration, after all its I/O.
    let appendsAtImmediate: number | undefined;
    setImmediate(() => (appendsAtImmediate = log.appends.length));
    hub.notify({ collection: 'a', id: 1 });
    hub.notify({ collection: 'b', id: 2 });
    expect(log.appends).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(appendsAtImmediate).toBe(1);
    expect(log.appends.map((batch) => batch.map((t) => JSON.parse(t).collection))).toEqual([['a', 'b']]);
  });
});
