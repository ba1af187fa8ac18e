import { Subject } from 'rxjs';
import { coalesceNotifications } from './coalesce-notifications';

describe('coalesceNotifications', () => {
  beforeEach(() => {
    jasmine.clock().install();
    jasmine.clock().mockDate(new Date(0));
  });
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

  it('waits for the burst to go quiet, however long it lasts', () => {
    const { source, out } = setup(50);
    // 1,000 notifications spread over 100 ms: longer than the window.
    for (let i = 1; i <= 1000; i++) {
      source.next(i);
      if (i % 10 === 0) jasmine.clock().tick(1);
    }
    expect(out).toEqual([1]);
    // The last one came at 99 ms: quiet from 149 ms on.
    jasmine.clock().tick(48);
    expect(out).toEqual([1]);
    jasmine.clock().tick(1);
    expect(out).toEqual([1, 1000]);
  });

  it('emits at least every maxWaitMs while a stream never pauses', () => {
    const { source, out } = setup(50);
    for (let i = 1; i <= 120; i++) {
      source.next(i);
      jasmine.clock().tick(20);
    }
    // First at once, then the latest at 1,000 ms and 2,000 ms; the tail after it goes quiet.
    expect(out).toEqual([1, 51, 101]);
    jasmine.clock().tick(100);
    expect(out).toEqual([1, 51, 101, 120]);
  });

  it('starts a new burst with a leading emission after a quiet window', () => {
    const { source, out } = setup(50);
    source.next(1);
    jasmine.clock().tick(60);
    source.next(2);
    expect(out).toEqual([1, 2]);
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
