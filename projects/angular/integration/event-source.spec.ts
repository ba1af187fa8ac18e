import { TestBed } from '@angular/core/testing';
import {
  injectNotificationsTransport,
  NotificationService,
  NotificationsError,
  NotificationsErrorCode,
  provideNotifications,
  withEventSource,
  withReconnect,
  WebSocketService,
} from '@changefeed/angular';
import { isNotification } from '@changefeed/protocol';
import { realServer } from './real-server-control';
import { eventually } from './scripted-server-control';
import { record, reset, useSpecTimeout } from './spec-helpers';

// withEventSource(): the real SDK over a real EventSource against the real @changefeed/server
// Karma runs (integration/real-server.cjs), on its /events endpoint. As in real-server.spec.ts, no
// spec assumes absolute seqs, and every wait is on an observed condition.
describe('NotificationService over Server-Sent Events against @changefeed/server', () => {
  useSpecTimeout(30_000);

  /** Every stream's url() waits for this: a spec holds it to make a reopen wait. */
  let gate: Promise<void>;
  /** How often a stream's url() was asked: once per attempt, so a token in it is always fresh. */
  let urlCalls: number;
  beforeEach(() => {
    gate = Promise.resolve();
    urlCalls = 0;
  });

  async function setup(fallback?: { url: string }) {
    const info = await realServer({ action: 'info' });
    const events = async () => (urlCalls++, await gate, info.events);
    TestBed.configureTestingModule({
      providers: [
        fallback
          ? provideNotifications(
              { url: fallback.url, linger: 0 },
              withEventSource({ url: events, fallback: true }),
              withReconnect({ initialDelay: 50, maxDelay: 200 }),
            )
          : provideNotifications(
              { url: events, linger: 0 },
              withEventSource(),
              withReconnect({ initialDelay: 50, maxDelay: 200 }),
            ),
      ],
    });
    const notifications = TestBed.inject(NotificationService);
    // Every frame the transport passed on, below NotificationService's own filtering.
    const frames = record(TestBed.inject(WebSocketService).messages$);
    const errors = record<NotificationsError>(notifications.errors$);
    const transport = TestBed.runInInjectionContext(() => injectNotificationsTransport());
    const sentNotifications = () => frames.values.filter(isNotification);
    return { notifications, errors, transport, sentNotifications };
  }

  it('confirms a subscription and delivers a notification with its seq, and nothing unsubscribed', async () => {
    const { notifications, errors, transport, sentNotifications } = await setup();
    const forums = record(notifications.filterByCollection('forums'));
    const confirmed = notifications.isConfirmed('forums');
    await eventually('the stream confirms forums', () => confirmed());

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
    expect(sentNotifications()).toEqual([
      { collection: 'forums', op: 'insert', id: 42, seq: seqs![1] },
    ]);
    expect(notifications.state()).toBe('open');
    expect(transport()).toBe('eventsource');
    expect(errors.values).toEqual([]);
  });

  it('delivers only the watched row to filterByRow, filtered by the server, beside a whole collection', async () => {
    const { notifications, sentNotifications } = await setup();
    const product = record(notifications.filterByRow('products', 7));
    const forums = record(notifications.filterByCollection('forums'));
    const confirmed = notifications.isConfirmed('products', 7);
    const forumsConfirmed = notifications.isConfirmed('forums');
    await eventually(
      'products row 7 and forums are confirmed',
      () => confirmed() && forumsConfirmed(),
    );

    const { seqs } = await realServer({
      action: 'notify',
      notifications: [
        { collection: 'products', op: 'update', id: 8 },
        { collection: 'products', op: 'update', id: 7 },
        { collection: 'forums', op: 'update', id: 8 },
        { collection: 'products', op: 'delete', id: 7 },
      ],
    });
    await eventually('both notifications of row 7 arrive', () => product.values.length === 3);
    await eventually('the forums notification arrives', () => forums.values.length === 2);

    const rows = [
      { collection: 'products', op: 'update', id: 7, seq: seqs![1] },
      { collection: 'products', op: 'delete', id: 7, seq: seqs![3] },
    ];
    const forum = { collection: 'forums', op: 'update', id: 8, seq: seqs![2] };
    expect(product.values).toEqual([reset('products'), ...rows]);
    expect(forums.values).toEqual([reset('forums'), forum]);
    // Row 8 of products never left the server, though forums' row 8 did.
    expect(sentNotifications()).toEqual([rows[0], forum, rows[1]]);
  });

  it('replays what was published while the stream was down, without reset or duplicate', async () => {
    const { notifications, errors } = await setup();
    const forums = record(notifications.filterByCollection('forums'));
    const confirmed = notifications.isConfirmed('forums');
    await eventually('the stream confirms forums', () => confirmed());
    const { seqs: before } = await realServer({
      action: 'notify',
      notifications: [{ collection: 'forums', op: 'insert', id: 1 }],
    });
    await eventually('the first notification arrives', () => forums.values.length === 2);
    const { epoch, metrics: start } = await realServer({ action: 'info' });
    const calls = urlCalls;

    // Streams cut, then notifications in the same server turn: all of them fall into the gap.
    const { dropped, seqs: missed } = await realServer({
      action: 'drop',
      thenNotify: [
        { collection: 'forums', op: 'update', id: 1 },
        { collection: 'containers', op: 'insert', id: 5 },
        { collection: 'forums', op: 'insert', id: 2 },
      ],
    });
    expect(dropped).toBeGreaterThanOrEqual(1);
    await eventually(
      'the missed forums notifications are replayed',
      () => forums.values.length === 4,
    );
    const {
      seqs: live,
      epoch: after,
      metrics: end,
    } = await realServer({
      action: 'notify',
      notifications: [{ collection: 'forums', op: 'update', id: 2 }],
    });
    await eventually('the live notification arrives', () => forums.values.length === 5);

    expect(after).toBe(epoch);
    expect(forums.values).toEqual([
      reset('forums'),
      { collection: 'forums', op: 'insert', id: 1, seq: before![0] },
      { collection: 'forums', op: 'update', id: 1, seq: missed![0] },
      { collection: 'forums', op: 'insert', id: 2, seq: missed![2] },
      { collection: 'forums', op: 'update', id: 2, seq: live![0] },
    ]);
    // From the server's replay buffer (the reopened stream's lastEventId), not a reset.
    expect(end.replayed - start.replayed).toBe(2);
    expect(end.resets - start.resets).toBe(0);
    expect(urlCalls).withContext('url() asked again for the new attempt').toBeGreaterThan(calls);
    expect(notifications.state()).toBe('open');
    expect(errors.values).toEqual([]);
  });

  it('resets every active collection once after a server restart, then is live again', async () => {
    const { notifications, errors } = await setup();
    const forums = record(notifications.filterByCollection('forums'));
    const containers = record(notifications.filterByCollection('containers'));
    const forumsConfirmed = notifications.isConfirmed('forums');
    const containersConfirmed = notifications.isConfirmed('containers');
    await eventually('both are confirmed', () => forumsConfirmed() && containersConfirmed());
    await realServer({
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
    await eventually('both are confirmed again', () => forumsConfirmed() && containersConfirmed());
    // The new epoch numbers from 1 again: not mistaken for duplicates of the old epoch's seqs.
    const { seqs: live } = await realServer({
      action: 'notify',
      notifications: [{ collection: 'forums', op: 'update', id: 1 }],
    });
    await eventually('the live notification arrives', () => forums.values.length === 4);

    expect(forums.values.slice(2)).toEqual([
      reset('forums'),
      { collection: 'forums', op: 'update', id: 1, seq: live![0] },
    ]);
    expect(containers.values).toEqual([reset('containers'), reset('containers')]);
    expect(errors.values).toEqual([]);
  });

  it('reopens with a new filter without a gap: a change published as it subscribes arrives, with no reset', async () => {
    const { notifications, errors } = await setup();
    const forums = record(notifications.filterByCollection('forums'));
    const forumsConfirmed = notifications.isConfirmed('forums');
    await eventually('forums is confirmed', () => forumsConfirmed());
    const { seqs: first } = await realServer({
      action: 'notify',
      notifications: [{ collection: 'forums', op: 'insert', id: 1 }],
    });
    await eventually('the forums notification arrives', () => forums.values.length === 2);

    // A consumer that fetched just now subscribes; the reopen waits (its url()) until a change
    // to containers and one to forums are published: neither stream carries them live, so the
    // new one must resume from where the consumer subscribed.
    let release!: () => void;
    gate = new Promise((resolve) => (release = resolve));
    const containers = record(notifications.filterByCollection('containers'));
    const { seqs: racing } = await realServer({
      action: 'notify',
      notifications: [
        { collection: 'containers', op: 'insert', id: 9 },
        { collection: 'forums', op: 'update', id: 1 },
      ],
    });
    release();
    const containersConfirmed = notifications.isConfirmed('containers');
    await eventually('containers is confirmed', () => containersConfirmed());
    await eventually('the missed change reaches containers', () => containers.values.length >= 1);
    await eventually('the forums update arrives', () => forums.values.length === 3);

    // Replayed from the position at its subscribe, exactly once, and no reset: nothing was missed.
    expect(containers.values).toEqual([
      { collection: 'containers', op: 'insert', id: 9, seq: racing![0] },
    ]);
    expect(forums.values).toEqual([
      reset('forums'),
      { collection: 'forums', op: 'insert', id: 1, seq: first![0] },
      { collection: 'forums', op: 'update', id: 1, seq: racing![1] },
    ]);
    expect(errors.values).toEqual([]);
  });

  it('moves to Server-Sent Events when the WebSocket upgrade is refused, and says so', async () => {
    const { port } = await realServer({ action: 'info' });
    // The real server answers an upgrade on any path but /ws with 404: a proxy that refuses it.
    const { notifications, errors, transport } = await setup({
      url: `ws://127.0.0.1:${port}/refused`,
    });
    expect(transport()).toBe('websocket');
    const forums = record(notifications.filterByCollection('forums'));
    const confirmed = notifications.isConfirmed('forums');
    await eventually('forums is confirmed over the stream', () => confirmed());
    expect(transport()).toBe('eventsource');

    const { seqs } = await realServer({
      action: 'notify',
      notifications: [{ collection: 'forums', op: 'insert', id: 3 }],
    });
    await eventually('the notification arrives', () => forums.values.length === 2);
    expect(forums.values).toEqual([
      reset('forums'),
      { collection: 'forums', op: 'insert', id: 3, seq: seqs![0] },
    ]);
    expect(notifications.state()).toBe('open');
    expect(errors.values.map((e) => e.code)).toEqual([NotificationsErrorCode.TransportFallback]);
  });
});
