import { ApplicationRef, NgZone, provideZoneChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { NotificationService, provideNotifications } from '@changefeed/angular';
import { control, eventually } from './scripted-server-control';

// Runs only in the zone.js configuration (`ng test angular --configuration=zone`), where Karma
// loads zone.js: a real browser WebSocket invokes its handlers in the zone that registered them,
// which the fake socket of the other specs cannot show.
describe('NotificationService with zone.js', () => {
  it('keeps socket events out of the Angular zone: notifications trigger no change detection', async () => {
    expect(typeof (globalThis as { Zone?: unknown }).Zone)
      .withContext('zone.js must be loaded in this configuration')
      .toBe('function');
    const { port } = await control({ action: 'reset' });
    TestBed.configureTestingModule({
      providers: [
        provideZoneChangeDetection(),
        provideNotifications({ url: `ws://127.0.0.1:${port}/ws`, linger: 0 }),
      ],
    });
    const zone = TestBed.inject(NgZone);
    const appRef = TestBed.inject(ApplicationRef);
    const notifications = TestBed.inject(NotificationService);
    const inAngularZone: boolean[] = [];
    // Subscribed from inside the Angular zone, as a component's ngOnInit is.
    const subscription = zone.run(() =>
      notifications
        .filterByCollection('forums')
        .subscribe(() => inAngularZone.push(NgZone.isInAngularZone())),
    );
    await eventually('the subscription is confirmed', () => notifications.isConfirmed('forums')());

    const tick = spyOn(appRef, 'tick').and.callThrough();
    let unstable = 0;
    const counter = zone.onUnstable.subscribe(() => unstable++);
    for (let id = 1; id <= 20; id++) {
      await control({ action: 'notify', notification: { collection: 'forums', id } });
    }
    await eventually('all 20 notifications arrive', () => inAngularZone.length === 20);

    expect(inAngularZone.filter(Boolean).length).withContext('callbacks run inside the Angular zone').toBe(0);
    expect(unstable).withContext('times the Angular zone was entered').toBe(0);
    expect(tick).not.toHaveBeenCalled();
    counter.unsubscribe();
    subscription.unsubscribe();
  });
});
