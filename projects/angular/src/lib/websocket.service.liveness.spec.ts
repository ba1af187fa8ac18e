import { NotificationsErrorCode } from './notifications-error-code';
import { withHeartbeat } from './with-heartbeat';
import { withReconnect } from './with-reconnect';
import { setupWebSocketService, welcome } from './websocket-service-setup.spec';

const setup = setupWebSocketService;

describe('WebSocketService liveness', () => {
  describe('backoff', () => {
    /** The delays of `n` failed attempts in a row, each waited out. */
    const delaysOf = (n: number, { consume, fail, clock }: ReturnType<typeof setup>) => {
      consume();
      const delays: number[] = [];
      for (let i = 0; i < n; i++) {
        fail();
        delays.push(clock.pending[0]);
        clock.tick(clock.pending[0]);
      }
      return delays;
    };

    it('grows exponentially under full jitter up to the cap in a hidden tab', () => {
      spyOnProperty(document, 'visibilityState').and.returnValue('hidden');
      // random() is pinned at 0.5: half of 500, 1000, 2000, … capped at 30000.
      expect(delaysOf(9, setup())).toEqual([250, 500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    });

    it('caps at visibleMaxDelay in a visible tab, so it is back within seconds of the server', () => {
      spyOnProperty(document, 'visibilityState').and.returnValue('visible');
      expect(delaysOf(7, setup())).toEqual([250, 500, 1000, 2000, 2000, 2000, 2000]);
    });

    it('draws each delay from randomness', () => {
      const { controller, consume, fail, clock } = setup({}, withReconnect({ initialDelay: 1000 }));
      consume();
      controller.random = 0;
      fail();
      expect(clock.pending).toEqual([0]);
      clock.tick(0);
      controller.random = 0.75;
      fail();
      expect(clock.pending).toEqual([1500]);
    });

    it('resets the attempt counter only after the connection stayed open 10 s', () => {
      const { controller, consume, fail, clock } = setup();
      consume();
      for (let i = 0; i < 3; i++) {
        fail();
        clock.tick(clock.pending[0]);
      }
      controller.accept();
      clock.tick(9_999);
      fail();
      expect(clock.pending).toEqual([2000]);
      clock.tick(2000);
      controller.accept();
      clock.tick(10_000);
      fail();
      expect(clock.pending).toEqual([250]);
    });

    it('stops after maxAttempts with state closed and an error', () => {
      const { controller, ws, consume, fail, errors, clock } = setup(
        {},
        withReconnect({ maxAttempts: 2 }),
      );
      consume();
      fail();
      clock.tick(250);
      fail();
      clock.tick(500);
      fail();
      expect(ws.state()).toBe('closed');
      expect(errors.map((e) => e.code)).toEqual([NotificationsErrorCode.ReconnectFailed]);
      clock.tick(60_000);
      expect(controller.sockets.length).toBe(3);
    });
  });

  describe('browser events', () => {
    it('reconnects at once when the browser comes online', () => {
      const { controller, consume, fail } = setup();
      consume();
      fail();
      window.dispatchEvent(new Event('online'));
      expect(controller.sockets.length).toBe(2);
    });

    it('makes no attempt while offline', () => {
      const { controller, ws, consume, fail, clock } = setup();
      const onLine = spyOnProperty(navigator, 'onLine').and.returnValue(false);
      consume();
      expect(controller.sockets.length).toBe(0);
      onLine.and.returnValue(true);
      window.dispatchEvent(new Event('online'));
      onLine.and.returnValue(false);
      fail();
      clock.tick(120_000);
      expect(controller.sockets.length).toBe(1);
      expect(ws.state()).toBe('connecting');
    });

    it('reconnects at once on pageshow and when the tab becomes visible with a dead socket', () => {
      const { controller, consume, fail } = setup();
      const visibility = spyOnProperty(document, 'visibilityState').and.returnValue('hidden');
      consume();
      fail();
      document.dispatchEvent(new Event('visibilitychange'));
      expect(controller.sockets.length).toBe(1);
      visibility.and.returnValue('visible');
      document.dispatchEvent(new Event('visibilitychange'));
      expect(controller.sockets.length).toBe(2);
      fail();
      window.dispatchEvent(new Event('pageshow'));
      expect(controller.sockets.length).toBe(3);
    });

    it('checks a socket silent past the heartbeat at once when the tab becomes visible', () => {
      const { controller, consume, clock } = setup();
      spyOnProperty(document, 'visibilityState').and.returnValue('visible');
      consume();
      controller.accept(welcome(30_000));
      clock.jump(40_000);
      document.dispatchEvent(new Event('visibilitychange'));
      expect(controller.socket!.frames).toEqual([{ type: 'ping' }]);
      clock.tick(10_000);
      expect(controller.socket!.closedWith?.code).toBe(4000);
    });

    it('reconnects at once when the tab becomes visible with a ping unanswered past its deadline', () => {
      const { controller, consume, clock } = setup();
      spyOnProperty(document, 'visibilityState').and.returnValue('visible');
      consume();
      const socket = controller.accept(welcome(30_000));
      clock.tick(30_000);
      expect(socket.frames).toEqual([{ type: 'ping' }]);
      clock.jump(60_000);
      document.dispatchEvent(new Event('visibilitychange'));
      expect(socket.closedWith?.code).toBe(4000);
    });
  });

  describe('dial', () => {
    it('gives up a socket stuck before its handshake after the heartbeat timeout, and dials again', () => {
      const { controller, ws, consume, clock } = setup();
      consume();
      const stuck = controller.socket!;
      // A proxy that accepted the TCP connection and never answers the upgrade.
      clock.tick(9_999);
      expect(stuck.closedWith).toBeUndefined();
      clock.tick(1);
      expect(stuck.closedWith?.code).toBe(4000);
      expect(ws.state()).toBe('reconnecting');
      clock.tick(clock.pending[0]);
      expect(controller.sockets.length).toBe(2);
      controller.accept(welcome());
      expect(ws.state()).toBe('open');
    });

    it('keeps a dial that opens within the timeout', () => {
      const { controller, consume, clock } = setup({}, withHeartbeat({ timeout: 3000 }));
      consume();
      clock.tick(2_999);
      const socket = controller.accept(welcome());
      clock.tick(60_000);
      expect(socket.closedWith).toBeUndefined();
      expect(controller.sockets.length).toBe(1);
    });

    it('waits for the browser to end a slow dial when the heartbeat is disabled', () => {
      const { controller, consume, clock } = setup({}, withHeartbeat(false));
      consume();
      clock.tick(120_000);
      expect(controller.socket!.closedWith).toBeUndefined();
    });
  });

  describe('heartbeat', () => {
    it('pings when idle after welcome and reconnects when nothing arrives within heartbeat + timeout', () => {
      const { controller, ws, consume, clock } = setup();
      consume();
      const socket = controller.accept(welcome(1000));
      clock.tick(999);
      expect(socket.frames).toEqual([]);
      clock.tick(1);
      expect(socket.frames).toEqual([{ type: 'ping' }]);
      clock.tick(9_999);
      expect(socket.closedWith).toBeUndefined();
      clock.tick(1);
      expect(socket.closedWith?.code).toBe(4000);
      expect(ws.state()).toBe('reconnecting');
    });

    it('keeps a socket that answers', () => {
      const { controller, consume, clock } = setup({}, withHeartbeat({ timeout: 500 }));
      consume();
      const socket = controller.accept(welcome(1000));
      for (let i = 0; i < 5; i++) {
        clock.tick(1000);
        socket.receive({ type: 'pong' });
      }
      expect(socket.frames.length).toBe(5);
      expect(socket.closedWith).toBeUndefined();
    });

    it('never pings a server that sent no welcome', () => {
      const { controller, consume, clock } = setup();
      consume();
      const socket = controller.accept(null);
      socket.receive({ collection: 'forums' });
      clock.tick(120_000);
      expect(socket.sent).toEqual([]);
      expect(socket.closedWith).toBeUndefined();
    });

    it('does not ping when disabled', () => {
      const { controller, consume, clock } = setup({}, withHeartbeat(false));
      consume();
      const socket = controller.accept(welcome(1000));
      clock.tick(120_000);
      expect(socket.sent).toEqual([]);
    });

    it("does not kill a healthy socket when a hidden tab's timers fire late", () => {
      const { controller, consume, clock } = setup();
      consume();
      const socket = controller.accept(welcome(1000));
      // The tab sleeps: a minute passes and no timer runs; then the overdue timer fires once.
      clock.jump(60_000);
      clock.tick(0);
      expect(socket.closedWith).toBeUndefined();
      expect(socket.frames).toEqual([{ type: 'ping' }]);
      socket.receive({ type: 'pong' });
      clock.tick(10_000);
      expect(socket.closedWith).toBeUndefined();
    });
  });
});
