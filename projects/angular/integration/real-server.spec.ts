import { TestBed } from '@angular/core/testing';
import {
  coalesceNotifications,
  Notification,
  NotificationService,
  NotificationsError,
  NotificationsErrorCode,
  provideNotifications,
  withHeartbeat,
  withReconnect,
  WebSocketService,
} from '@changefeed/angular';
import { isNotification } from '@changefeed/protocol';
import { realServer } from './real-server-control';
import { eventually } from './scripted-server-control';
import { record, reset, useSpecTimeout } from './spec-helpers';

// The real SDK (provideNotifications, NotificationService, WebSocketService) against a real
// @changefeed/server that Karma runs in a child process (integration/real-server.cjs). One server
// serves the whole run, so no spec assumes absolute seqs: each compares with the seqs notify()
// returned. Every wait is on an observed condition; deadlines only turn hangs into failures.
describe('NotificationService against @changefeed/server', () => {
  useSpecTimeout(30_000);

  async function setup() {
    const { url } = await realServer({ action: 'info' });
    TestBed.configureTestingModule({
      providers: [
        provideNotifications(
          { url, linger: 0 },
          withReconnect({ initialDelay: 50, maxDelay: 200 }),
          withHeartbeat({ timeout: 2000 }),
        ),
      ],
    });
    const notifications = TestBed.inject(NotificationService);
    // Every frame the server sent, below the SDK's own filtering: proves what the server chose to send.
    const frames = record(TestBed.inject(WebSocketService).messages$);
    const errors = record(notifications.errors$);
    const sentNotifications = () => frames.values.filter(isNotification);
    return { notifications, frames, errors, sentNotifications };
  }

  it('confirms a subscription and delivers a notification with its seq, and nothing unsubscribed', async () => {
    const { notifications, errors, sentNotifications } = await setup();
    const forums = record(notifications.filterByCollection('forums'));
    const confirmed = notifications.isConfirmed('forums');
    await eventually('the server confirms forums', () => confirmed());

    const { seqs } = await realServer({
      action: 'notify',
      notifications: [
        { collection: 'containers', op: 'update', id: 1 },
        { collection: 'forums', op: 'insert', id: 42 },
      ],
    });
    await eventually('the forums notification arrives', () => forums.values.length === 2);

    expect(forums.values).toEqual([
      reset('forums'),
      { collection: 'forums', op: 'insert', id: 42, seq: seqs![1] },
    ]);
    // Delivery is in order per connection: had containers been sent, it would have come first.
    expect(sentNotifications()).toEqual([
      { collection: 'forums', op: 'insert', id: 42, seq: seqs![1] },
    ]);
    expect(notifications.state()).toBe('open');
    expect(errors.values).toEqual([]);
  });

  it('delivers only the watched row to filterByRow, filtered by the server', async () => {
    const { notifications, sentNotifications } = await setup();
    const product = record(notifications.filterByRow('products', 7));
    const confirmed = notifications.isConfirmed('products', 7);
    await eventually('the server confirms products row 7', () => confirmed());

    const { seqs } = await realServer({
      action: 'notify',
      notifications: [
        { collection: 'products', op: 'update', id: 8 },
        { collection: 'products', op: 'update', id: 7 },
        { collection: 'products', op: 'update', id: 9 },
        { collection: 'products', op: 'delete', id: 7 },
      ],
    });
    await eventually('both notifications of row 7 arrive', () => product.values.length === 3);

    const expected = [
      { collection: 'products', op: 'update', id: 7, seq: seqs![1] },
      { collection: 'products', op: 'delete', id: 7, seq: seqs![3] },
    ];
    expect(product.values).toEqual([reset('products'), ...expected]);
    // Rows 8 and 9 never left the server (9 was published before the last row-7 one).
    expect(sentNotifications()).toEqual(expected);
  });

  it('replays what was published while the socket was down, in order, without reset or duplicate', async () => {
    const { notifications, errors } = await setup();
    const forums = record(notifications.filterByCollection('forums'));
    const confirmed = notifications.isConfirmed('forums');
    await eventually('the server confirms forums', () => confirmed());
    const { seqs: before } = await realServer({
      action: 'notify',
      notifications: [{ collection: 'forums', op: 'insert', id: 1 }],
    });
    await eventually('the first notification arrives', () => forums.values.length === 2);
    const { epoch, metrics: start } = await realServer({ action: 'info' });

    // Sockets cut, then notifications in the same server turn: all of them fall into the gap.
    const { dropped, seqs: missed } = await realServer({
      action: 'drop',
      thenNotify: [
        { collection: 'forums', op: 'update', id: 1 },
        { collection: 'containers', op: 'insert', id: 5 },
        { collection: 'forums', op: 'insert', id: 2 },
        { collection: 'forums', op: 'delete', id: 1 },
      ],
    });
    expect(dropped).toBeGreaterThanOrEqual(1);
    await eventually(
      'the missed forums notifications are replayed',
      () => forums.values.length === 5,
    );
    await eventually('the subscription is confirmed again', () => confirmed());
    // One more, live, after the replay: must arrive exactly once, after the replayed ones.
    const {
      seqs: live,
      epoch: after,
      metrics: end,
    } = await realServer({
      action: 'notify',
      notifications: [{ collection: 'forums', op: 'update', id: 2 }],
    });
    await eventually('the live notification arrives', () => forums.values.length === 6);

    expect(after).toBe(epoch);
    expect(forums.values).toEqual([
      reset('forums'),
      { collection: 'forums', op: 'insert', id: 1, seq: before![0] },
      { collection: 'forums', op: 'update', id: 1, seq: missed![0] },
      { collection: 'forums', op: 'insert', id: 2, seq: missed![2] },
      { collection: 'forums', op: 'delete', id: 1, seq: missed![3] },
      { collection: 'forums', op: 'update', id: 2, seq: live![0] },
    ]);
    // They came from the server's replay buffer (resume), not from live fan-out.
    expect(end.replayed - start.replayed).toBe(3);
    expect(notifications.state()).toBe('open');
    expect(errors.values).toEqual([]);
  });

  it('emits one reset per active collection after a server restart, then is live again', async () => {
    const { notifications, errors } = await setup();
    const forums = record(notifications.filterByCollection('forums'));
    const containers = record(notifications.filterByCollection('containers'));
    const forumsConfirmed = notifications.isConfirmed('forums');
    const containersConfirmed = notifications.isConfirmed('containers');
    await eventually(
      'both collections are confirmed',
      () => forumsConfirmed() && containersConfirmed(),
    );
    const { seqs: before } = await realServer({
      action: 'notify',
      notifications: [{ collection: 'forums', op: 'insert', id: 1 }],
    });
    await eventually('the first notification arrives', () => forums.values.length === 2);

    const { epoch, previousEpoch } = await realServer({ action: 'restart' });
    expect(epoch).not.toBe(previousEpoch!);
    await eventually(
      'both collections got their reset',
      () => forums.values.length === 3 && containers.values.length === 2,
    );
    await eventually(
      'both collections are confirmed again',
      () => forumsConfirmed() && containersConfirmed(),
    );
    const { seqs: live } = await realServer({
      action: 'notify',
      notifications: [
        { collection: 'containers', op: 'update', id: 3 },
        { collection: 'forums', op: 'update', id: 2 },
      ],
    });
    await eventually(
      'the new epoch delivers live',
      () => forums.values.length === 4 && containers.values.length === 3,
    );

    expect(forums.values).toEqual([
      reset('forums'),
      { collection: 'forums', op: 'insert', id: 1, seq: before![0] },
      { collection: 'forums', op: 'reset' },
      { collection: 'forums', op: 'update', id: 2, seq: live![1] },
    ]);
    expect(containers.values).toEqual([
      reset('containers'),
      { collection: 'containers', op: 'reset' },
      { collection: 'containers', op: 'update', id: 3, seq: live![0] },
    ]);
    expect(errors.values).toEqual([]);
  });

  it("errors only the forbidden collection's stream; the others keep working", async () => {
    const { notifications, errors, sentNotifications } = await setup();
    const secret = record(notifications.filterByCollection('secret'));
    const forums = record(notifications.filterByCollection('forums'));
    const forumsConfirmed = notifications.isConfirmed('forums');
    await eventually('the secret stream errors', () => secret.error !== undefined);
    await eventually('forums is confirmed', () => forumsConfirmed());

    const error = secret.error as NotificationsError;
    expect(error).toEqual(jasmine.any(NotificationsError));
    expect(error.code).toBe(NotificationsErrorCode.Forbidden);
    expect(error.collections).toEqual(['secret']);
    expect(notifications.isConfirmed('secret')()).toBeFalse();

    const { seqs, metrics } = await realServer({
      action: 'notify',
      notifications: [
        { collection: 'secret', op: 'update', id: 1 },
        { collection: 'forums', op: 'update', id: 2 },
      ],
    });
    await eventually('forums still delivers', () => forums.values.length === 2);

    expect(forums.values).toEqual([
      reset('forums'),
      { collection: 'forums', op: 'update', id: 2, seq: seqs![1] },
    ]);
    // Nothing of a refused collection is ever sent on the connection (it was published first).
    expect(sentNotifications().filter((n) => n.collection === 'secret')).toEqual([]);
    expect(secret.values).toEqual([]);
    expect(metrics.forbidden).toBeGreaterThanOrEqual(1);
    expect(notifications.state()).toBe('open');
    expect(errors.values).toEqual([]);
  });

  it('coalesces a burst of 1,000 notifications into at most two emissions', async () => {
    const { notifications } = await setup();
    // The trailing edge waits for the burst to go quiet, so the count does not depend on how long
    // the browser takes to dispatch 1,000 frames; the window only has to outlast a pause inside
    // the burst (a GC on a busy CI machine), hence the demo's 250 ms rather than the default.
    // Recorded once the subscription is live, so neither stream starts with the startup reset.
    notifications.filterByCollection('orders').subscribe();
    const confirmed = notifications.isConfirmed('orders');
    await eventually('orders is confirmed', () => confirmed());
    const coalesced = record(
      notifications.filterByCollection('orders').pipe(coalesceNotifications(250)),
    );
    const all = record(notifications.filterByCollection('orders'));

    const burst: Notification[] = Array.from({ length: 1000 }, (_, i) => ({
      collection: 'orders',
      op: 'update',
      id: i,
    }));
    const { seqs } = await realServer({ action: 'notify', notifications: burst });
    await eventually('all 1,000 arrive', () => all.values.length === 1000);
    await eventually(
      'the trailing emission carries the last of the burst',
      () => coalesced.values.at(-1)?.seq === seqs!.at(-1),
    );

    expect(all.values.map((n) => n.seq)).toEqual(seqs!);
    expect(coalesced.values.length).toBeLessThanOrEqual(2);
    expect(coalesced.values[0].seq).toBe(seqs![0]);
  });
});
