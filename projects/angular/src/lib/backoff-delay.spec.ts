import { backoffDelay } from './backoff-delay';

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
});
