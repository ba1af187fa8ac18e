import { RateLimiter } from './rate-limiter.js';

describe(RateLimiter.name, () => {
  afterEach(() => jasmine.clock().uninstall());

  it('lets a burst of `commands` through, then refills over `perMs`', () => {
    jasmine.clock().install();
    jasmine.clock().mockDate(new Date(0));
    const limiter = new RateLimiter(3, 1000);
    expect([limiter.take(), limiter.take(), limiter.take(), limiter.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    jasmine.clock().tick(334);
    expect(limiter.take()).withContext('one token back after a third of the window').toBeTrue();
    expect(limiter.take()).toBeFalse();
    jasmine.clock().tick(10_000);
    expect([limiter.take(), limiter.take(), limiter.take(), limiter.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});
