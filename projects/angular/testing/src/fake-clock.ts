import { NotificationsClock } from '@changefeed/angular';

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

/**
 * A clock that only moves when told, so backoff, heartbeat and linger specs are exact.
 * `tick(ms)` moves time and fires due timers in order; `jump(ms)` moves the wall clock without
 * firing anything, as a hidden tab's throttled timers see it.
 *
 * @example
 * controller.clock.tick(500); // the first reconnect attempt is due
 */
export class FakeClock implements NotificationsClock {
  private time = 0;
  private nextId = 1;
  private timers: Timer[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, at: this.time + Math.max(0, ms), callback };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  /** Timers not yet fired, soonest first, as delays from now. */
  get pending(): number[] {
    return this.timers.map((timer) => timer.at - this.time).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  tick(ms = 0): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers
        .filter((timer) => timer.at <= end)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = Math.max(this.time, due.at);
      due.callback();
    }
    this.time = end;
  }

  /** Moves the wall clock only: timers stay pending, overdue, until the next `tick()`. */
  jump(ms: number): void {
    this.time += ms;
  }
}
