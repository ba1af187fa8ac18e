import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  OnInit,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Notification, NotificationService } from '@changefeed/angular';

interface LogEntry {
  key: number;
  at: Date;
  collection: string;
  op: string;
  id: string;
  seq: string;
}

/** How many notifications the log keeps on screen. */
const KEEP = 15;

/** The raw stream, uncoalesced: every notification this window receives, newest first. */
@Component({
  selector: 'app-notification-log',
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './notification-log.component.html',
})
export class NotificationLogComponent implements OnInit {
  private readonly notifications = inject(NotificationService);
  private readonly destroyRef = inject(DestroyRef);
  private counter = 0;
  /** Entries received since the last frame, newest last. */
  private pending: LogEntry[] = [];
  private pendingCount = 0;
  private frame = 0;

  protected readonly entries = signal<LogEntry[]>([]);
  protected readonly total = signal(0);

  ngOnInit(): void {
    this.notifications
      .filterByCollection('containers', 'forums')
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((notification) => this.add(notification));
    this.destroyRef.onDestroy(() => cancelAnimationFrame(this.frame));
  }

  private add(n: Notification): void {
    const entry: LogEntry = {
      key: ++this.counter,
      at: new Date(),
      collection: n.collection,
      op: n.op ?? 'change',
      id: n.id === undefined ? '' : `#${n.id}`,
      seq: n.seq === undefined ? '' : String(n.seq),
    };
    this.pendingCount++;
    // Only the newest KEEP are shown: a hidden tab (no animation frames) must not pile up the rest.
    if (this.pending.push(entry) > KEEP) this.pending.shift();
    // One signal update per frame, not per notification: a burst of 500 would otherwise run
    // change detection 500 times and keep the page busy long enough to spread the burst out.
    this.frame ||= requestAnimationFrame(() => this.flush());
  }

  private flush(): void {
    this.frame = 0;
    const batch = this.pending.reverse();
    const count = this.pendingCount;
    this.pending = [];
    this.pendingCount = 0;
    this.total.update((total) => total + count);
    this.entries.update((entries) => [...batch, ...entries].slice(0, KEEP));
  }

  protected time(at: Date): string {
    return (
      at.toLocaleTimeString(undefined, { hour12: false }) +
      '.' +
      String(at.getMilliseconds()).padStart(3, '0')
    );
  }
}
