import { Component, DestroyRef, inject, Injector, OnInit, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { TestBed } from '@angular/core/testing';
import {
  coalesceNotifications,
  liveResource,
  Notification,
  NotificationService,
  provideNotifications,
} from '@changefeed/angular';
import { realServer, Row } from './real-server-control';
import { eventually } from './scripted-server-control';
import { useSpecTimeout } from './spec-helpers';

/** The collection of this run, so reruns against the same server never see each other's rows. */
const COLLECTION = `gap-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

const fetchRows = async () => (await realServer({ action: 'rows', collection: COLLECTION })).rows!;

/** The README's pattern, as written there: fetch on init, refetch on every notification. */
@Component({
  selector: 'cf-rows',
  template: `@for (row of rows(); track row.id) {
    <li>{{ row.name }}</li>
  }`,
})
class RowsComponent implements OnInit {
  private readonly notifications = inject(NotificationService);
  private readonly destroyRef = inject(DestroyRef);
  readonly rows = signal<Row[]>([]);
  readonly fetches = signal(0);
  readonly seen: Notification[] = [];

  ngOnInit() {
    this.update();
    this.notifications
      .filterByCollection(COLLECTION)
      .pipe(coalesceNotifications(), takeUntilDestroyed(this.destroyRef))
      .subscribe((notification) => {
        this.seen.push(notification);
        this.update();
      });
  }

  private update() {
    void fetchRows().then((rows) => {
      this.rows.set(rows);
      this.fetches.update((n) => n + 1);
    });
  }
}

// The startup gap, against a real @changefeed/server whose authenticate takes over a second: a
// row inserted after the view's first fetch and before the server confirms its subscription is
// never sent as a notification (the subscription is not live yet). The view must show it anyway.
describe('The startup gap against @changefeed/server with a slow authenticate', () => {
  useSpecTimeout(30_000);

  it('shows a row inserted before the subscription was confirmed, in the README pattern and in liveResource()', async () => {
    const { url, authDelay } = await realServer({ action: 'slowAuth' });
    expect(authDelay).toBeGreaterThanOrEqual(1000);
    TestBed.configureTestingModule({
      imports: [RowsComponent],
      providers: [provideNotifications({ url: url!, linger: 0 })],
    });
    const notifications = TestBed.inject(NotificationService);
    const confirmed = notifications.isConfirmed(COLLECTION);
    const fixture = TestBed.createComponent(RowsComponent);
    fixture.detectChanges();
    const view = fixture.componentInstance;
    const live = liveResource({
      on: COLLECTION,
      loader: fetchRows,
      injector: TestBed.inject(Injector),
    });
    const shown = () => {
      fixture.detectChanges();
      return (fixture.nativeElement as HTMLElement).textContent ?? '';
    };

    await eventually('the view made its first fetch', () => view.fetches() === 1);
    expect(shown()).toBe('');
    expect(confirmed()).withContext('still authenticating').toBeFalse();
    await realServer({ action: 'insert', collection: COLLECTION, name: 'inserted during auth' });
    expect(confirmed()).withContext('the insert fell into the gap').toBeFalse();

    await eventually('the README pattern shows the row', () =>
      shown().includes('inserted during auth'),
    );
    await eventually('liveResource() shows the row', () =>
      (live.value() ?? []).some((row) => row.name === 'inserted during auth'),
    );
    // The notification of the insert never came (the subscription was not live): the reset did it.
    expect(view.seen).toEqual([{ collection: COLLECTION, op: 'reset' }]);
    expect(view.fetches()).withContext('one extra fetch at start').toBe(2);
    expect(live.live()).toBeTrue();

    // And from here on both follow live changes.
    await realServer({ action: 'insert', collection: COLLECTION, name: 'inserted live' });
    await eventually('the README pattern shows the live row', () =>
      shown().includes('inserted live'),
    );
    await eventually('liveResource() shows the live row', () =>
      (live.value() ?? []).some((row) => row.name === 'inserted live'),
    );
  });
});
