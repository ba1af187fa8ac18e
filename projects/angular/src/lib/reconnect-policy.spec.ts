import { backoffDelay, spreadWindow } from './backoff-delay';

describe('backoffDelay', () => {
  const options = {
    initialDelay: 500,
    multiplier: 2,
    maxDelay: 30_000,
    stableAfter: 10_000,
    maxAttempts: Infinity,
  };
  const at = (value: number) => () => value;

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

    it('also after an attempt that found no url', () => {
      expect(backoffDelay(1, 0, options, at(0), 8000)).toBe(8000);
    });

    it('backs off as before after 4401, 1013, 1008, 1009 and a heartbeat timeout', () => {
      expect(backoffDelay(2, 4401, options, at(0), 6000)).toBe(500);
      expect([1013, 1008, 1009, 4000].map((code) => backoffDelay(2, code, options, at(0.5), 6000))).toEqual([
        1000, 1000, 1000, 1000,
      ]);
    });
  });
});

describe('spreadWindow', () => {
  it('reads spread=<ms> from the reason of a 1001', () => {
    expect(spreadWindow(1001, 'server going away; spread=5000')).toBe(5000);
    expect(spreadWindow(1001, 'spread=1000')).toBe(1000);
    expect(spreadWindow(1001, 'spread=99999 and more')).toBe(99_999);
  });

  it('is 0 for an absent or garbled reason, a window out of range, and for other codes', () => {
    expect(
      ['', 'server going away', 'spread=', 'spread=-5000', 'spread=1e4', 'nospread=5000', 'spread=999', 'spread=100000'].map(
        (reason) => spreadWindow(1001, reason),
      ),
    ).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(spreadWindow(1001)).toBe(0);
    expect(spreadWindow(1006, 'spread=5000')).toBe(0);
    expect(spreadWindow(4401, 'spread=5000')).toBe(0);
  });
});
