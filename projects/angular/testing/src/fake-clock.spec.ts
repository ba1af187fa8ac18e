import { FakeClock } from './fake-clock';

describe('FakeClock', () => {
  it('fires due timers in order as time moves', () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 20);
    clock.setTimeout(() => fired.push('a'), 10);
    const c = clock.setTimeout(() => fired.push('c'), 15);
    clock.clearTimeout(c);
    clock.tick(15);
    expect(fired).toEqual(['a']);
    expect(clock.now()).toBe(15);
    clock.tick(5);
    expect(fired).toEqual(['a', 'b']);
  });

  it('moves the wall clock without firing on jump()', () => {
    const clock = new FakeClock();
    let fired = false;
    clock.setTimeout(() => (fired = true), 10);
    clock.jump(100);
    expect(fired).toBeFalse();
    expect(clock.pending).toEqual([-90]);
    clock.tick();
    expect(fired).toBeTrue();
  });
});
