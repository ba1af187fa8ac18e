import { TestBed } from '@angular/core/testing';
import { NotificationsErrorCode } from './notifications-error-code';
import { NOTIFICATIONS_DEFAULTS } from './notifications-defaults';
import { NotificationsFeature } from './notifications-feature';
import { NOTIFICATIONS_OPTIONS } from './notifications-options';
import { provideNotifications } from './provide-notifications';
import { withHeartbeat } from './with-heartbeat';
import { withReconnect } from './with-reconnect';
import { withWebSocketFactory } from './with-websocket-factory';
import { WEBSOCKET_FACTORY, WebSocketLike } from './websocket-factory';

describe('provideNotifications', () => {
  it('fills in NOTIFICATIONS_DEFAULTS, also for options set to undefined', () => {
    TestBed.configureTestingModule({
      providers: [
        provideNotifications(
          { url: '/ws', queueSize: undefined, linger: 5 },
          withReconnect({ maxDelay: undefined }),
          withHeartbeat({ timeout: undefined }),
        ),
      ],
    });
    expect(TestBed.inject(NOTIFICATIONS_OPTIONS)).toEqual({
      ...NOTIFICATIONS_DEFAULTS,
      url: '/ws',
      linger: 5,
    });
  });

  it('applies features', () => {
    const factory = (url: string) => ({ url }) as unknown as WebSocketLike;
    TestBed.configureTestingModule({
      providers: [
        provideNotifications(
          { url: '/ws' },
          withReconnect({ maxDelay: 5000 }),
          withHeartbeat(false),
          withWebSocketFactory(factory),
        ),
      ],
    });
    const options = TestBed.inject(NOTIFICATIONS_OPTIONS);
    expect(options.reconnect.maxDelay).toBe(5000);
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
        withReconnect({ maxDelay: 1000 }),
        withReconnect({ maxDelay: 2000 }),
      ),
    ).toThrowMatching(
      (e) =>
        e.code === NotificationsErrorCode.ConflictingFeatures &&
        e.message ===
          '@changefeed/angular: withReconnect({"maxDelay":1000}) and withReconnect({"maxDelay":2000}) contradict each other; pass only one.',
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

  describe('in dev mode, checks every option and states its rule', () => {
    /** The message provideNotifications() throws with, prefix and all. */
    const messageOf = (config: object, ...features: NotificationsFeature[]) => {
      try {
        provideNotifications({ url: '/ws', ...config }, ...features);
      } catch (error) {
        expect((error as { code?: string }).code).toBe(NotificationsErrorCode.InvalidConfig);
        return (error as Error).message;
      }
      return 'no error';
    };

    it('the config', () => {
      expect(messageOf({ url: 42 })).toBe(
        "@changefeed/angular: provideNotifications({ url }) must be a URL ('/ws', http(s) or ws(s)) or a function returning one or a Promise of one, got 42",
      );
      expect(messageOf({ protocols: [7] })).toBe(
        '@changefeed/angular: provideNotifications({ protocols }) must be a string or an array of strings, got [7]',
      );
      expect(messageOf({ welcomeTimeout: 0 })).toBe(
        '@changefeed/angular: provideNotifications({ welcomeTimeout }) must be from 1 to 2147483647 ms, got 0',
      );
      expect(messageOf({ linger: -1 })).toBe(
        '@changefeed/angular: provideNotifications({ linger }) must be from 0 to 2147483647 ms, got -1',
      );
      expect(messageOf({ keepAlive: 'yes' })).toBe(
        '@changefeed/angular: provideNotifications({ keepAlive }) must be true or false, got "yes"',
      );
      expect(messageOf({ queueSize: 1.5 })).toBe(
        '@changefeed/angular: provideNotifications({ queueSize }) must be a whole number ≥ 0, got 1.5',
      );
      expect(messageOf({ queueSize: Infinity })).toBe(
        '@changefeed/angular: provideNotifications({ queueSize }) must be a whole number ≥ 0, got Infinity',
      );
    });

    it('the reconnect numbers', () => {
      expect(messageOf({}, withReconnect({ initialDelay: 0 }))).toBe(
        '@changefeed/angular: withReconnect({ initialDelay }) must be from 1 to 2147483647 ms, got 0',
      );
      expect(messageOf({}, withReconnect({ multiplier: 0 }))).toBe(
        '@changefeed/angular: withReconnect({ multiplier }) must be ≥ 1, got 0',
      );
      expect(messageOf({}, withReconnect({ maxDelay: 100 }))).toBe(
        '@changefeed/angular: withReconnect({ maxDelay }) must be from initialDelay (500) to 2147483647 ms, got 100',
      );
      expect(messageOf({}, withReconnect({ stableAfter: NaN }))).toBe(
        '@changefeed/angular: withReconnect({ stableAfter }) must be ≥ 0 ms, got NaN',
      );
      expect(messageOf({}, withReconnect({ maxAttempts: -1 }))).toBe(
        '@changefeed/angular: withReconnect({ maxAttempts }) must be a whole number ≥ 0, or Infinity, got -1',
      );
      expect(messageOf({}, withReconnect({ maxAttempts: 0, maxDelay: 500 }))).toBe('no error');
    });

    it('the heartbeat numbers', () => {
      expect(messageOf({}, withHeartbeat({ timeout: 0 }))).toBe(
        '@changefeed/angular: withHeartbeat({ timeout }) must be from 1 to 2147483647 ms, got 0',
      );
      expect(messageOf({}, withHeartbeat(true as unknown as false))).toBe(
        '@changefeed/angular: withHeartbeat(options) must be an object or false, got true',
      );
    });

    it('the features themselves', () => {
      expect(messageOf({}, withWebSocketFactory('ws' as unknown as () => WebSocketLike))).toBe(
        '@changefeed/angular: withWebSocketFactory(factory) must be a function, got "ws"',
      );
      expect(messageOf({}, withReconnect as unknown as NotificationsFeature)).toBe(
        '@changefeed/angular: provideNotifications() takes features made by withReconnect(), withHeartbeat(), withWebSocketFactory() or withEventSource(), got function withReconnect',
      );
    });
  });
});
