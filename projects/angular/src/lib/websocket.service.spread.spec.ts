import { setupWebSocketService } from './websocket-service-setup.spec';

const setup = setupWebSocketService;
const goingAway = 'server going away; spread=6000';

describe('WebSocketService reconnect window', () => {
  it('spreads reconnects over the window a 1001 names, then retries about once per window', () => {
    const { controller, consume, fail, clock } = setup();
    consume();
    controller.accept();
    controller.socket!.drop(1001, goingAway);
    // random() is pinned at 0.5: the middle of the 6 s window, then every 6 s from there, plus
    // an eighth of it (half of the quarter-window jitter).
    const delays = [clock.pending[0]];
    for (let i = 0; i < 5; i++) {
      clock.tick(clock.pending[0]);
      fail();
      delays.push(clock.pending[0]);
    }
    // After 30 s (maxDelay) of retrying, the capped exponential of the attempts made, as before.
    expect(delays).toEqual([3000, 6750, 6750, 6750, 6750, 8000]);
  });

  it('reconnects within a second after a 1001 with no window, then backs off as before', () => {
    const { controller, consume, fail, clock } = setup();
    consume();
    controller.accept();
    controller.socket!.drop(1001, 'server going away; spread=soon');
    expect(clock.pending).toEqual([500]);
    clock.tick(500);
    fail();
    expect(clock.pending).toEqual([500]);
    clock.tick(500);
    fail();
    expect(clock.pending).toEqual([1000]);
  });

  it('opens no window on a 1001 from a connection that was not stable', () => {
    const { controller, consume, fail, clock } = setup();
    consume();
    fail();
    clock.tick(250);
    controller.accept();
    controller.socket!.drop(1001, goingAway);
    expect(clock.pending).toEqual([500]);
  });
});
