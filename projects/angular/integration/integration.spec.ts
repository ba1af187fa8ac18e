import { TestBed } from '@angular/core/testing';
import {
  Notification,
  NotificationService,
  NotificationsError,
  NotificationsErrorCode,
  provideNotifications,
  withHeartbeat,
  withReconnect,
  WebSocketService,
} from '@changefeed/angular';
import { control, eventually, ScriptedServerInfo } from './scripted-server-control';
import { useSpecTimeout } from './spec-helpers';

/** What a stream subscribed before the connection gets when it is confirmed (the startup gap). */
const STARTUP_RESET: Notification = { collection: 'forums', op: 'reset' };

// Against a real WebSocket server (the scripted one Karma runs), with real timers. Short delays
// keep the suite quick; every wait is on an observable condition, never on elapsed time.
describe('NotificationService against a real server', () => {
  useSpecTimeout(20_000);

  async function setup(server: { mode?: 'protocol' | 'plain'; heartbeat?: number } = {}) {
    const { port } = await control({ action: 'reset', ...server });
    TestBed.configureTestingModule({
      providers: [
        provideNotifications(
          { url: `ws://127.0.0.1:${port}/ws`, welcomeTimeout: 300, linger: 0 },
          withReconnect({ initialDelay: 50, maxDelay: 200 }),
          withHeartbeat({ timeout: 300 }),
        ),
      ],
    });
    const notifications = TestBed.inject(NotificationService);
    const seen: Notification[] = [];
    const errors: NotificationsError[] = [];
    notifications.errors$.subscribe((error) => errors.push(error));
    notifications.filterByCollection('forums').subscribe((n) => seen.push(n));
    const confirmed = notifications.isConfirmed('forums');
    const info = () => control({ action: 'info' });
    const sentOn = (log: ScriptedServerInfo['log'], connection: number) =>
      log.filter((e) => e.connection === connection).map((e) => e.frame);
    return { notifications, seen, errors, confirmed, info, sentOn };
  }

  it('reconnects and re-subscribes when the server closes the connection', async () => {
    const { notifications, seen, confirmed, info, sentOn } = await setup();
    await eventually('the subscription is confirmed', () => confirmed());
    await control({ action: 'close', code: 1013 });
    await eventually(
      'a second connection is confirmed',
      async () => (await info()).connections === 2 && confirmed(),
    );
    const { log, epoch } = await info();
    expect(sentOn(log, 2)).toEqual([
      { type: 'resume', epoch, after: 0, subscribes: 1 },
      { type: 'subscribe', collections: ['forums'] },
    ]);
    await control({ action: 'notify', notification: { collection: 'forums', id: 1 } });
    await eventually('the notification arrives', () => seen.length === 2);
    expect(seen).toEqual([STARTUP_RESET, { collection: 'forums', id: 1, seq: 1 }]);
    expect(notifications.state()).toBe('open');
  });

  it('catches a silent server with the heartbeat and reconnects', async () => {
    const { confirmed, info, sentOn } = await setup({ heartbeat: 100 });
    // Every session's end, not a poll of the state: a reconnect on loopback can pass through
    // 'reconnecting' faster than any polling interval.
    let ended = 0;
    TestBed.inject(WebSocketService).sessions$.subscribe((session) => session || ended++);
    await eventually('the subscription is confirmed', () => confirmed());
    await control({ action: 'silence' });
    await eventually('the client gave up on the silent socket', () => ended === 1);
    await eventually(
      'a new connection is confirmed',
      async () => (await info()).connections === 2 && confirmed(),
    );
    expect(sentOn((await info()).log, 1)).toContain({ type: 'ping' });
  });

  it('drives filterByCollection from bare broadcast frames', async () => {
    const { seen, info, confirmed } = await setup({ mode: 'plain' });
    await eventually('the socket is open', async () => (await info()).open === 1);
    await control({ action: 'raw', raw: '{"collection":"forums","data":{"id":7}}' });
    await control({ action: 'raw', raw: '{"collection":"containers"}' });
    await eventually('the notification arrives', () => seen.length === 2);
    expect(seen).toEqual([STARTUP_RESET, { collection: 'forums', data: { id: 7 } }]);
    expect(confirmed()).toBeTrue();
    expect((await info()).log).toEqual([]);
  });

  it('emits a reset when it reconnects to a plain server', async () => {
    const { seen, info } = await setup({ mode: 'plain' });
    // Recognised as plain after the welcome timeout: live from then on.
    await eventually('the startup reset arrives', () => seen.length === 1);
    await control({ action: 'close', code: 1001 });
    await eventually('the reset arrives', () => seen.length === 2);
    expect(seen).toEqual([STARTUP_RESET, { collection: 'forums', op: 'reset' }]);
    expect((await info()).connections).toBe(2);
  });

  it('emits a reset when the server restarts with a new epoch', async () => {
    const { seen, confirmed, info, sentOn } = await setup();
    await eventually('the subscription is confirmed', () => confirmed());
    await control({ action: 'restart' });
    await eventually('the reset arrives', () => seen.length === 2);
    expect(seen).toEqual([STARTUP_RESET, { collection: 'forums', op: 'reset' }]);
    expect(sentOn((await info()).log, 2)).toEqual([{ type: 'subscribe', collections: ['forums'] }]);
  });

  it('reports malformed frames on errors$ and keeps the stream working', async () => {
    const { seen, errors, confirmed } = await setup();
    await eventually('the subscription is confirmed', () => confirmed());
    await control({ action: 'raw', raw: 'not json' });
    await control({ action: 'raw', raw: '{"type":"bogus"}' });
    await control({
      action: 'notify',
      notification: { collection: 'forums', op: 'insert', id: 3 },
    });
    await eventually('the notification arrives', () => seen.length === 2);
    expect(errors.map((e) => e.code)).toEqual([
      NotificationsErrorCode.MalformedFrame,
      NotificationsErrorCode.MalformedFrame,
    ]);
    expect(seen).toEqual([STARTUP_RESET, { collection: 'forums', op: 'insert', id: 3, seq: 1 }]);
  });
});
