import { Subject } from 'rxjs';
import { coalesceNotifications } from './coalesce-notifications';

describe('coalesceNotifications', () => {
  beforeEach(() => jasmine.clock().install());
  afterEach(() => jasmine.clock().uninstall());

  function setup(windowMs?: number) {
    const source = new Subject<number>();
    const out: number[] = [];
    let completed = false;
    source
      .pipe(coalesceNotifications(windowMs))
      .subscribe({ next: (v) => out.push(v), complete: () => (completed = true) });
    return { source, out, isCompleted: () => completed };
  }

  it('turns a burst of 1,000 into the first and the last', () => {
    const { source, out } = setup();
    for (let i = 1; i <= 1000; i++) source.next(i);
    expect(out).toEqual([1]);
    jasmine.clock().tick(50);
    expect(out).toEqual([1, 1000]);
    jasmine.clock().tick(1000);
    expect(out).toEqual([1, 1000]);
  });

  it('passes a lone notification at once and adds nothing after it', () => {
    const { source, out } = setup(100);
    source.next(1);
    jasmine.clock().tick(500);
    expect(out).toEqual([1]);
  });

  it('still delivers a steady trickle once per window', () => {
    const { source, out } = setup(50);
    for (let i = 1; i <= 10; i++) {
      source.next(i);
      jasmine.clock().tick(20);
    }
    jasmine.clock().tick(100);
    expect(out).toEqual([1, 3, 5, 8, 10]);
  });

  it('flushes the pending value on completion', () => {
    const { source, out, isCompleted } = setup();
    source.next(1);
    source.next(2);
    source.complete();
    expect(out).toEqual([1, 2]);
    expect(isCompleted()).toBeTrue();
  });
});
