import { ApplicationRef, NgZone, PLATFORM_ID } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import {
  NotificationsTestingController,
  provideNotificationsTesting,
} from '@changefeed/angular/testing';
import { ConnectionState } from './connection-state';
import { NotificationsError } from './notifications-error';
import { NotificationsErrorCode } from './notifications-error-code';
import { withReconnect } from './with-reconnect';
import { WEBSOCKET_FACTORY } from './websocket-factory';
import { WebSocketService } from './websocket.service';
import { setupWebSocketService } from './websocket-service-setup.spec';

const setup = setupWebSocketService;

describe('WebSocketService', () => {
  describe('lifecycle', () => {
    it('connects on the first consumer only', () => {
      const { controller, ws, consume } = setup();
      expect(controller.sockets.length).toBe(0);
      expect(ws.state()).toBe('idle');
      consume();
      consume();
      expect(controller.sockets.length).toBe(1);
      expect(ws.state()).toBe('connecting');
    });

    it('closes with 1000 after the last consumer leaves, and does not reconnect', () => {
      const { controller, ws, consume, clock } = setup();
      const a = consume();
      const b = consume();
      controller.accept();
      a.unsubscribe();
      expect(controller.socket!.closedWith).toBeUndefined();
      b.unsubscribe();
      expect(controller.socket!.closedWith?.code).toBe(1000);
      expect(ws.state()).toBe('idle');
      clock.tick(60_000);
      expect(controller.sockets.length).toBe(1);
    });

    it('stays open after the last consumer with keepAlive', () => {
      const { controller, ws, consume } = setup({ keepAlive: true });
      consume().unsubscribe();
      controller.accept();
      expect(controller.socket!.closedWith).toBeUndefined();
      expect(ws.state()).toBe('open');
    });

    it('exposes the state as a signal', () => {
      const { controller, ws, consume, fail, clock } = setup();
      const seen: ConnectionState[] = [ws.state()];
      consume();
      seen.push(ws.state());
      controller.accept();
      seen.push(ws.state());
      fail();
      clock.tick(250);
      seen.push(ws.state());
      expect(seen).toEqual(['idle', 'connecting', 'open', 'reconnecting']);
    });

    it('creates the socket outside the Angular zone', () => {
      const { consume } = setup();
      const zone = TestBed.inject(NgZone);
      const outside = spyOn(zone, 'runOutsideAngular').and.callThrough();
      consume();
      expect(outside).toHaveBeenCalled();
    });

    it('delivers frames without triggering change detection', async () => {
      const { controller, consume } = setup();
      const tick = spyOn(TestBed.inject(ApplicationRef), 'tick').and.callThrough();
      consume();
      const socket = controller.accept();
      for (let i = 0; i < 100; i++) socket.receive({ collection: 'forums', seq: i });
      await new Promise((resolve) => setTimeout(resolve));
      expect(tick).not.toHaveBeenCalled();
    });

    it('evaluates a url function at every connect', () => {
      let token = 0;
      const { controller, consume, fail, clock } = setup({
        url: () => `ws://test/ws?token=${++token}`,
      });
      consume();
      fail();
      clock.tick(250);
      expect(controller.sockets.map((s) => s.url)).toEqual([
        'ws://test/ws?token=1',
        'ws://test/ws?token=2',
      ]);
    });

    it('waits for a url Promise', async () => {
      const { controller, consume } = setup({ url: () => Promise.resolve('ws://test/async') });
      consume();
      expect(controller.sockets.length).toBe(0);
      await Promise.resolve();
      expect(controller.socket?.url).toBe('ws://test/async');
    });

    it('reports a url the socket cannot open and retries with backoff', async () => {
      TestBed.configureTestingModule({
        providers: [
          provideNotificationsTesting({ url: () => Promise.resolve('nonsense') }),
          {
            provide: WEBSOCKET_FACTORY,
            useValue: () => {
              throw new SyntaxError('invalid url');
            },
          },
        ],
      });
      const ws = TestBed.inject(WebSocketService);
      const errors: NotificationsError[] = [];
      ws.errors$.subscribe((error) => errors.push(error));
      ws.messages$.subscribe();
      // Let the url Promise settle and its failure propagate (a few microtasks).
      await new Promise((resolve) => setTimeout(resolve));
      expect(errors.map((e) => e.code)).toEqual([NotificationsErrorCode.UrlFailed]);
      expect(errors[0].message).toContain('invalid url');
      expect(TestBed.inject(NotificationsTestingController).clock.pending).toEqual([250]);
      expect(ws.state()).toBe('reconnecting');
    });

    it('reports a failing url function and retries with backoff', () => {
      const { controller, consume, errors, clock } = setup({
        url: () => {
          throw new Error('no token');
        },
      });
      consume();
      expect(errors.map((e) => e.code)).toEqual([NotificationsErrorCode.UrlFailed]);
      expect(errors[0].message).toContain('no token');
      expect(clock.pending).toEqual([250]);
      expect(controller.sockets.length).toBe(0);
    });
  });

  describe('close codes', () => {
    it('comes back quickly, jittered within 1 s, after 1001', () => {
      const { controller, consume, clock } = setup({}, withReconnect({ initialDelay: 5000 }));
      consume();
      controller.accept();
      controller.socket!.drop(1001);
      expect(clock.pending).toEqual([500]);
    });

    it('backs off after 1013', () => {
      const { controller, consume, clock } = setup();
      consume();
      controller.accept();
      controller.socket!.drop(1013);
      clock.tick(250);
      controller.socket!.drop(1013);
      expect(clock.pending).toEqual([500]);
    });

    it('re-evaluates the url after 4401, never sooner than initialDelay', () => {
      let calls = 0;
      const { controller, consume, errors, clock } = setup({
        url: () => `ws://test/?t=${++calls}`,
      });
      controller.random = 0;
      consume();
      controller.accept();
      controller.socket!.drop(4401);
      expect(errors.map((e) => e.code)).toEqual([NotificationsErrorCode.Unauthenticated]);
      expect(clock.pending).toEqual([500]);
      clock.tick(500);
      expect(controller.socket!.url).toBe('ws://test/?t=2');
    });

    it('stops after 4403 with state closed and an error', () => {
      const { controller, ws, consume, errors, clock } = setup();
      consume();
      controller.accept();
      controller.socket!.drop(4403);
      expect(ws.state()).toBe('closed');
      expect(errors[0].code).toBe(NotificationsErrorCode.Forbidden);
      expect(errors[0].message).toMatch(/^@changefeed\/angular: .*4403/);
      expect(clock.pending).toEqual([]);
    });
  });

  describe('frames', () => {
    it('reports a malformed frame and keeps the stream going', () => {
      const { controller, consume, frames, errors } = setup();
      consume();
      const socket = controller.accept();
      socket.receive('{oops');
      socket.receive({ collection: 'forums' });
      expect(errors.map((e) => e.code)).toEqual([NotificationsErrorCode.MalformedFrame]);
      expect(frames.at(-1)).toEqual({ collection: 'forums' });
    });

    it('treats a server without welcome as plain after welcomeTimeout', () => {
      const { controller, ws, consume, clock } = setup({ welcomeTimeout: 300 });
      const sessions: unknown[] = [];
      ws.sessions$.subscribe((s) => sessions.push(s));
      consume();
      controller.accept(null);
      clock.tick(299);
      expect(sessions).toEqual([]);
      clock.tick(1);
      expect(sessions).toEqual([{ welcome: null, reconnect: false }]);
    });
  });

  describe('outgoing queue', () => {
    it('keeps frames while disconnected, drops the oldest beyond queueSize and reports it', () => {
      const { controller, ws, consume, errors } = setup({ queueSize: 2 });
      consume();
      for (const epoch of ['a', 'b', 'c']) ws.send({ type: 'resume', epoch, after: 0 });
      expect(errors.map((e) => e.code)).toEqual([NotificationsErrorCode.QueueOverflow]);
      expect(errors[0].message).toContain('dropped 1');
      const socket = controller.accept();
      expect(socket.frames).toEqual([
        { type: 'resume', epoch: 'b', after: 0 },
        { type: 'resume', epoch: 'c', after: 0 },
      ]);
    });
  });

  describe('on the server platform', () => {
    it('is inert: no socket, no timers, empty streams, state closed', () => {
      TestBed.configureTestingModule({
        providers: [provideNotificationsTesting(), { provide: PLATFORM_ID, useValue: 'server' }],
      });
      const controller = TestBed.inject(NotificationsTestingController);
      const ws = TestBed.inject(WebSocketService);
      let completed = false;
      ws.messages$.subscribe({ complete: () => (completed = true) });
      ws.send({ type: 'ping' });
      expect(completed).toBeTrue();
      expect(ws.state()).toBe('closed');
      expect(controller.sockets).toEqual([]);
      expect(controller.clock.pending).toEqual([]);
    });
  });
});
