import { setupWebSocketService } from './websocket-service-setup.spec';

const setup = setupWebSocketService;
const goingAway = 'server going away; spread=6000';

describe('WebSocketService reconnect window', () => {
  it('spreads reconnects over the window a 1001 names, then retries about once per window', () => {
    // Hidden, so that past the window the cap is maxDelay's (a visible page's is lower).
    spyOnProperty(document, 'visibilityState').and.returnValue('hidden');
    const { controller, consume, fail, clock } = setup();
    consume();
    controller.accept();
    controller.socket!.drop(1001, goingAway);
    // random() is pinned at 0.5: the middle of the 6 s window, then every 6 s from there, plus
    // a sixteenth of it (half of the eighth-window jitter).
    const delays = [clock.pending[0]];
    for (let i = 0; i < 5; i++) {
      clock.tick(clock.pending[0]);
      fail();
      delays.push(clock.pending[0]);
    }
    // After 30 s (maxDelay) of retrying, the capped exponential of the attempts made, as before.
    expect(delays).toEqual([3000, 6375, 6375, 6375, 6375, 8000]);
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

  it('opens the window a 1001 names even right after a failed attempt (a proxy drop before a deploy)', () => {
    const { controller, consume, fail, clock } = setup();
    consume();
    fail();
    clock.tick(250);
    controller.accept();
    controller.socket!.drop(1001, goingAway);
    // Without the window this would be the second attempt's capped exponential: 500 ms.
    expect(clock.pending).toEqual([3000]);
  });

  it('counts a 1001 inside an open window as a failed attempt, so a server that keeps going away is backed off from', () => {
    const { controller, consume, clock } = setup();
    consume();
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      controller.accept();
      controller.socket!.drop(1001, goingAway);
      delays.push(clock.pending[0]);
      clock.tick(clock.pending[0]);
    }
    expect(delays).toEqual([3000, 6375, 6375]);
  });

  /** A server that went away naming a window, and is back: the client connected again in it. */
  function backInWindow() {
    const { controller, consume, clock } = setup();
    consume();
    controller.accept();
    controller.socket!.drop(1001, goingAway);
    clock.tick(clock.pending[0]);
    controller.accept();
    return { controller, clock };
  }

  it('closes the window once a connection stays up, so the next 1001 opens a new one', () => {
    const { controller, clock } = backInWindow();
    clock.tick(10_000);
    controller.socket!.drop(1001, 'server going away; spread=2000');
    expect(clock.pending).toEqual([1000]);
  });

  // ws closes with 1002 (protocol error) and 1007 (invalid UTF-8) on a frame this client sent:
  // it would likely send it again, so it backs off as from 1008 instead of riding the window.
  for (const code of [1002, 1007, 1008]) {
    it(`backs off from ${code} inside a window, by the exponent`, () => {
      const { controller, clock } = backInWindow();
      controller.socket!.drop(code);
      // The second attempt's capped exponential (half of 1000), not a window later (6375).
      expect(clock.pending).toEqual([500]);
    });
  }
});
