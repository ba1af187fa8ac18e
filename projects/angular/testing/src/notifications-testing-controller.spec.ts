import { TestBed } from '@angular/core/testing';
import { Notification } from '@changefeed/protocol';
import { NotificationService } from '@changefeed/angular';
import { NotificationsTestingController } from './notifications-testing-controller';
import { provideNotificationsTesting } from './provide-notifications-testing';

describe('NotificationsTestingController', () => {
  function setup() {
    TestBed.configureTestingModule({ providers: [provideNotificationsTesting()] });
    return {
      controller: TestBed.inject(NotificationsTestingController),
      notifications: TestBed.inject(NotificationService),
    };
  }

  it('drives a consumer the way a server would', () => {
    const { controller, notifications } = setup();
    const seen: Notification[] = [];
    const subscription = notifications.filterByCollection('forums').subscribe((n) => seen.push(n));
    controller.expectSubscribe('forums');
    expect(notifications.isConfirmed('forums')()).toBeTrue();
    controller.emit({ collection: 'forums', op: 'update', id: 7 });
    // The first: subscribed before there was a connection, it may have missed a change (the startup gap).
    expect(seen).toEqual([
      { collection: 'forums', op: 'reset' },
      { collection: 'forums', op: 'update', id: 7 },
    ]);
    subscription.unsubscribe();
    controller.expectUnsubscribe('forums');
    controller.verify();
  });

  it('lists what was actually sent when an expectation fails', () => {
    const { controller, notifications } = setup();
    notifications.filterByCollection('containers').subscribe();
    expect(() => controller.expectSubscribe('forums')).toThrowError(
      '@changefeed/angular/testing: expected subscribe [forums], sent: [subscribe containers]',
    );
    expect(() => controller.expectUnsubscribe('containers')).toThrowError(
      '@changefeed/angular/testing: expected unsubscribe [containers], sent: [subscribe containers]',
    );
  });

  it('confirms row subscriptions, whatever the order or type of the ids', () => {
    const { controller, notifications } = setup();
    const subscription = notifications.filterByRow('products', 7, '8').subscribe();
    expect(() => controller.expectSubscribeRows('products', 9)).toThrowError(
      '@changefeed/angular/testing: expected subscribe [products [9]], sent: [subscribe products [7,"8"]]',
    );
    controller.expectSubscribeRows('products', 8, '7');
    expect(notifications.isConfirmed('products', 7, '8')()).toBeTrue();
    subscription.unsubscribe();
    controller.expectUnsubscribeRows('products', 7, 8);
    controller.verify();
  });

  it('fails verify() on frames nobody expected', () => {
    const { controller, notifications } = setup();
    notifications.filterByRow('products', 1).subscribe();
    controller.accept();
    expect(() => controller.verify()).toThrowError(
      '@changefeed/angular/testing: expected no unclaimed frames, sent: [subscribe products [1]]',
    );
  });

  it('sets connection states', () => {
    const { controller, notifications } = setup();
    notifications.filterByCollection('forums').subscribe();
    controller.setState('open');
    expect(notifications.state()).toBe('open');
    controller.setState('reconnecting');
    expect(notifications.state()).toBe('reconnecting');
    controller.clock.tick(250);
    controller.setState('closed');
    expect(notifications.state()).toBe('closed');
  });

  it('says what to do when no socket is connecting', () => {
    const { controller } = setup();
    expect(() => controller.emit({ collection: 'forums' })).toThrowError(
      /no socket is connecting; subscribe to a collection first/,
    );
  });
});
