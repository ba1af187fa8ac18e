import { ApplicationRef, Injector, NgZone, provideZoneChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { liveResource, NotificationService, provideNotifications } from '@changefeed/angular';
import { control, eventually } from './scripted-server-control';

// Runs only in the zone.js configuration (`ng test angular --configuration=zone`), where Karma
// loads zone.js: a real browser WebSocket invokes its handlers in the zone that registered them,
// which the fake socket of the other specs cannot show.
describe('NotificationService with zone.js', () => {
  async function setup() {
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
    return { zone: TestBed.inject(NgZone), notifications: TestBed.inject(NotificationService) };
  }

  it('keeps socket events out of the Angular zone: notifications trigger no change detection', async () => {
    const { zone, notifications } = await setup();
    const appRef = TestBed.inject(ApplicationRef);
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
    // 21: the startup reset (subscribed before the connection) and the 20.
    await eventually('all 20 notifications arrive', () => inAngularZone.length === 21);

    expect(inAngularZone.filter(Boolean).length)
      .withContext('callbacks run inside the Angular zone')
      .toBe(0);
    expect(unstable).withContext('times the Angular zone was entered').toBe(0);
    expect(tick).not.toHaveBeenCalled();
    counter.unsubscribe();
    subscription.unsubscribe();
  });

  // Created in the Angular zone, as a component field is; the socket's events run outside it.
  it('runs liveResource(): loads once confirmed, reloads on a notification', async () => {
    const { zone, notifications } = await setup();
    const injector = TestBed.inject(Injector);
    let loads = 0;
    const forums = zone.run(() =>
      liveResource({ on: 'forums', loader: async () => ++loads, injector }),
    );
    const confirmed = notifications.isConfirmed('forums');
    await eventually('the subscription is confirmed', () => confirmed());
    await eventually('the first load is in', () => forums.value() === 1);
    expect(forums.live()).toBeTrue();

    await control({ action: 'notify', notification: { collection: 'forums', id: 1 } });
    await eventually('the notification reloads it', () => forums.value() === 2);
    expect(forums.status()).toBe('resolved');
  });
});
