import { TestBed } from '@angular/core/testing';
import { NotificationsErrorCode } from './notifications-error-code';
import { NOTIFICATIONS_OPTIONS } from './notifications-options';
import { provideNotifications } from './provide-notifications';
import { withHeartbeat } from './with-heartbeat';
import { withReconnect } from './with-reconnect';
import { withWebSocketFactory } from './with-websocket-factory';
import { WEBSOCKET_FACTORY, WebSocketLike } from './websocket-factory';

describe('provideNotifications', () => {
  it('fills in every default', () => {
    TestBed.configureTestingModule({ providers: [provideNotifications({ url: '/ws' })] });
    expect(TestBed.inject(NOTIFICATIONS_OPTIONS)).toEqual({
      url: '/ws',
      welcomeTimeout: 2000,
      linger: 1000,
      keepAlive: false,
      queueSize: 100,
      reconnect: {
        initialDelay: 500,
        multiplier: 2,
        maxDelay: 30_000,
        stableAfter: 10_000,
        maxAttempts: Infinity,
      },
      heartbeat: { timeout: 10_000 },
    });
  });

  it('applies features', () => {
    const factory = (url: string) => ({ url }) as unknown as WebSocketLike;
    TestBed.configureTestingModule({
      providers: [
        provideNotifications(
          { url: '/ws' },
          withReconnect({ maxDelay: 5 }),
          withHeartbeat(false),
          withWebSocketFactory(factory),
        ),
      ],
    });
    const options = TestBed.inject(NOTIFICATIONS_OPTIONS);
    expect(options.reconnect.maxDelay).toBe(5);
    expect(options.heartbeat).toBeFalse();
    expect(TestBed.inject(WEBSOCKET_FACTORY)).toBe(factory);
  });

  it('accepts the same feature twice when identical', () => {
    expect(() =>
      provideNotifications(
        { url: '/ws' },
        withHeartbeat({ timeout: 1 }),
        withHeartbeat({ timeout: 1 }),
      ),
    ).not.toThrow();
  });

  it('fails on contradictory features, naming both', () => {
    expect(() =>
      provideNotifications(
        { url: '/ws' },
        withReconnect({ maxDelay: 1 }),
        withReconnect({ maxDelay: 2 }),
      ),
    ).toThrowMatching(
      (e) =>
        e.code === NotificationsErrorCode.ConflictingFeatures &&
        e.message.includes('withReconnect({"maxDelay":1}) and withReconnect({"maxDelay":2})'),
    );
    expect(() =>
      provideNotifications({ url: '/ws' }, withHeartbeat(false), withHeartbeat()),
    ).toThrowError(/withHeartbeat\(false\) and withHeartbeat\(\{\}\)/);
    const a = () => ({}) as WebSocketLike;
    const b = () => ({}) as WebSocketLike;
    expect(() =>
      provideNotifications({ url: '/ws' }, withWebSocketFactory(a), withWebSocketFactory(b)),
    ).toThrowError(/withWebSocketFactory\(a\) and withWebSocketFactory\(b\)/);
  });

  it('explains bad options', () => {
    expect(() => provideNotifications({ url: 42 as unknown as string })).toThrowError(
      '@changefeed/angular: provideNotifications() needs a url: a ws(s) URL or a function returning one.',
    );
    expect(() => provideNotifications({ url: '/ws', queueSize: -1 })).toThrowMatching(
      (e) =>
        e.code === NotificationsErrorCode.InvalidConfig &&
        e.message.includes('queueSize must be a number ≥ 0'),
    );
  });
});
