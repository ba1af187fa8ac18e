import { NOTIFICATIONS_DEFAULTS } from './notifications-defaults';
import { backoffDelay, NO_SOCKET, ReconnectDecision, ReconnectPolicy } from './reconnect-policy';

const options = NOTIFICATIONS_DEFAULTS.reconnect;
const at = (value: number) => () => value;
const goingAway = (ms: number) => `server going away; spread=${ms}`;

/** The delay of a decision to retry, or what stopped it. */
const delayOf = (decision: ReconnectDecision) =>
  decision.retry ? decision.delay : `stop: ${decision.reason}`;

describe(ReconnectPolicy.name, () => {
  /** A policy with the jitter pinned at 0.5, so each delay is half its bound. */
  const setup = (overrides: Partial<typeof options> = {}) =>
    new ReconnectPolicy({ ...options, ...overrides }, at(0.5));
  /** `n` attempts that never opened a socket. */
  const failures = (policy: ReconnectPolicy, n: number) =>
    Array.from({ length: n }, () => delayOf(policy.lost(1006, '', undefined)));

  it('backs off further with each failed attempt in a row', () => {
    expect(failures(setup(), 4)).toEqual([250, 500, 1000, 2000]);
  });

  it('starts over after a connection that stayed open stableAfter ms', () => {
    const policy = setup();
    failures(policy, 3);
    expect(delayOf(policy.lost(1006, '', 10_000))).toBe(250);
  });

  it('keeps backing off after a connection that dropped sooner (a flapping server)', () => {
    const policy = setup();
    failures(policy, 3);
    expect(delayOf(policy.lost(1006, '', 9_999))).toBe(2000);
  });

  it('never counts an attempt that did not open as stable, even with stableAfter 0', () => {
    const policy = setup({ stableAfter: 0 });
    expect(failures(policy, 3)).toEqual([250, 500, 1000]);
    expect(delayOf(policy.lost(1006, '', 0))).toBe(250);
  });

  it('stops after maxAttempts failed attempts in a row', () => {
    const policy = setup({ maxAttempts: 2 });
    expect(failures(policy, 3)).toEqual([250, 500, 'stop: reconnect_failed']);
    expect(failures(setup({ maxAttempts: 0 }), 1)).toEqual(['stop: reconnect_failed']);
  });

  it('caps the bound at visibleMaxDelay while the page is visible and the server is away', () => {
    const visible = setup();
    const delays = [1, 2, 3, 4, 5, 6, 7].map(() =>
      delayOf(visible.lost(1006, '', undefined, true)),
    );
    expect(delays).toEqual([250, 500, 1000, 2000, 2000, 2000, 2000]);
    // Hidden, the same losses back off to maxDelay.
    expect(failures(setup(), 7)).toEqual([250, 500, 1000, 2000, 4000, 8000, 15_000]);
  });

  it('keeps backing off to maxDelay from a refusing server, visible or not', () => {
    const policy = setup();
    const delays = [1, 2, 3, 4, 5, 6, 7].map(() => delayOf(policy.lost(1008, '', undefined, true)));
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 8000, 15_000]);
  });

  it('never lets visibleMaxDelay raise the cap above maxDelay', () => {
    const policy = setup({ maxDelay: 1000, visibleMaxDelay: 4000 });
    const delays = [1, 2, 3, 4].map(() => delayOf(policy.lost(1006, '', undefined, true)));
    expect(delays).toEqual([250, 500, 500, 500]);
  });

  it('stops at once on 4403, attempts left or not', () => {
    expect(delayOf(setup().lost(4403, 'forbidden', 60_000))).toBe('stop: forbidden');
  });

  it('treats an attempt that got no socket as a failed one', () => {
    const policy = setup();
    expect([NO_SOCKET, NO_SOCKET].map((code) => delayOf(policy.lost(code, '', undefined)))).toEqual(
      [250, 500],
    );
  });

  describe('reconnect window', () => {
    it('opens on a 1001 that names one, starting the attempts over inside it', () => {
      const policy = setup();
      failures(policy, 4);
      // Half the window, then one window (plus a sixteenth at 0.5) per failed attempt.
      expect(delayOf(policy.lost(1001, goingAway(8000), 500))).toBe(4000);
      expect(failures(policy, 2)).toEqual([8500, 8500]);
    });

    it('counts a 1001 inside an open window as one more failed attempt', () => {
      const policy = setup();
      policy.lost(1001, goingAway(8000), 20_000);
      policy.lost(1006, '', undefined);
      expect(delayOf(policy.lost(1001, goingAway(2000), 100))).toBe(8500);
    });

    it('closes once a connection stays up, so the next 1001 opens a new one', () => {
      const policy = setup();
      policy.lost(1001, goingAway(8000), 20_000);
      expect(delayOf(policy.lost(1001, goingAway(2000), 10_000))).toBe(1000);
    });

    it('backs off exponentially from 1002 and 1007 as from 1008, never riding the window', () => {
      for (const code of [1002, 1007, 1008]) {
        const policy = setup();
        policy.lost(1001, goingAway(8000), 20_000);
        expect([code, code, code].map((c) => delayOf(policy.lost(c, '', 50))))
          .withContext(`close ${code}`)
          .toEqual([500, 1000, 2000]);
      }
    });
  });
});

describe('backoffDelay', () => {
  it('draws uniformly below a capped exponential bound (full jitter)', () => {
    expect([0, 1, 2, 6, 7, 20].map((n) => backoffDelay(n, 1006, options, at(0.999)))).toEqual([
      499.5, 999, 1998, 29_970, 29_970, 29_970,
    ]);
    expect(backoffDelay(3, 1006, options, at(0))).toBe(0);
  });

  it('comes back within a second after a first 1001, backs off after later ones', () => {
    expect(backoffDelay(0, 1001, { ...options, initialDelay: 10_000 }, at(0.5))).toBe(500);
    expect(backoffDelay(1, 1001, { ...options, initialDelay: 10_000 }, at(0.5))).toBe(10_000);
  });

  it('waits at least initialDelay after 4401', () => {
    expect(backoffDelay(0, 4401, options, at(0))).toBe(500);
    expect(backoffDelay(2, 4401, options, at(0.5))).toBe(1000);
  });

  it('backs off from 1002 and 1007 exactly as from 1008', () => {
    for (const attempt of [0, 3])
      expect([1002, 1007].map((code) => backoffDelay(attempt, code, options, at(0.5)))).toEqual([
        backoffDelay(attempt, 1008, options, at(0.5)),
        backoffDelay(attempt, 1008, options, at(0.5)),
      ]);
  });

  describe('with the window a server going away named', () => {
    it('draws the first attempt uniformly over the whole window', () => {
      expect([0, 0.5, 0.999].map((r) => backoffDelay(0, 1001, options, at(r), 8000))).toEqual([
        0, 4000, 7992,
      ]);
    });

    it('makes each failed attempt one window later, not by the exponent', () => {
      expect([1, 2, 3].map((n) => backoffDelay(n, 1006, options, at(0), 8000))).toEqual([
        8000, 8000, 8000,
      ]);
    });

    it('adds up to an eighth of a window to a failed attempt, never less than a window', () => {
      expect([0.2, 0.999].map((r) => backoffDelay(1, 1001, options, at(r), 8000))).toEqual([
        8200, 8999,
      ]);
    });

    it('backs off as before once the window has been tried for maxDelay', () => {
      expect(backoffDelay(3, 1006, options, at(0.5), 10_000)).toBe(2000);
      expect(backoffDelay(6, 1006, { ...options, maxDelay: 5000 }, at(0.5), 1000)).toBe(2500);
    });

    it('also after an attempt that got no socket', () => {
      expect(backoffDelay(1, NO_SOCKET, options, at(0), 8000)).toBe(8000);
    });

    it('backs off as before after 4401, 1013, 1008, 1009, 1002, 1007 and a heartbeat timeout', () => {
      expect(backoffDelay(2, 4401, options, at(0), 6000)).toBe(500);
      expect(
        [1013, 1008, 1009, 1002, 1007, 4000].map((code) =>
          backoffDelay(2, code, options, at(0.5), 6000),
        ),
      ).toEqual([1000, 1000, 1000, 1000, 1000, 1000]);
    });
  });
});
