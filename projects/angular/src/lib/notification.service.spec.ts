import { PLATFORM_ID } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import {
  NotificationsTestingController,
  provideNotificationsTesting,
} from '@changefeed/angular/testing';
import { Notification } from '@changefeed/protocol';
import { NotificationService } from './notification.service';
import { NotificationsConfig } from './notifications-config';
import { NotificationsError } from './notifications-error';
import { NotificationsErrorCode } from './notifications-error-code';

function setup(config: Partial<NotificationsConfig> = {}) {
  TestBed.configureTestingModule({ providers: [provideNotificationsTesting(config)] });
  const controller = TestBed.inject(NotificationsTestingController);
  const service = TestBed.inject(NotificationService);
  const errors: NotificationsError[] = [];
  service.errors$.subscribe((error) => errors.push(error));
  /** Subscribes and records what arrives. */
  const watch = (...collections: string[]) => {
    const seen: Notification[] = [];
    const failures: unknown[] = [];
    const subscription = service.filterByCollection(...collections).subscribe({
      next: (n) => seen.push(n),
      error: (e) => failures.push(e),
    });
    return { seen, failures, subscription };
  };
  const sent = () => controller.socket!.frames;
  return { controller, service, errors, watch, sent, clock: controller.clock };
}

describe('NotificationService', () => {
  describe('subscriptions', () => {
    it('sends one batch from the interest set on connect', () => {
      const { controller, service, watch, sent } = setup();
      watch('forums');
      watch('containers', 'forums');
      service.filterByRow('products', 7).subscribe();
      controller.accept();
      expect(sent()).toEqual([
        { type: 'subscribe', collections: ['forums', 'containers'] },
        { type: 'subscribe', collections: ['products'], ids: [7] },
      ]);
    });

    it('shares one stream per collection', () => {
      const { controller, watch, sent } = setup();
      const a = watch('forums');
      const b = watch('forums');
      controller.emit({ collection: 'forums', id: 1 });
      expect(sent()).toEqual([{ type: 'subscribe', collections: ['forums'] }]);
      expect(a.seen).toEqual([{ collection: 'forums', id: 1 }]);
      expect(b.seen).toEqual([{ collection: 'forums', id: 1 }]);
    });

    it('unsubscribes after the linger, and not if someone comes back within it', () => {
      const { controller, watch, sent, clock } = setup({ linger: 1000 });
      watch('keep');
      controller.accept();
      watch('forums').subscription.unsubscribe();
      clock.tick(999);
      watch('forums').subscription.unsubscribe();
      clock.tick(999);
      expect(sent()).toEqual([
        { type: 'subscribe', collections: ['keep'] },
        { type: 'subscribe', collections: ['forums'] },
      ]);
      clock.tick(1);
      expect(sent().at(-1)).toEqual({ type: 'unsubscribe', collections: ['forums'] });
    });

    it('closes the socket once the last collection is released', () => {
      const { controller, service, watch } = setup();
      const forums = watch('forums');
      controller.accept();
      forums.subscription.unsubscribe();
      expect(controller.socket!.frames.at(-1)).toEqual({
        type: 'unsubscribe',
        collections: ['forums'],
      });
      expect(controller.socket!.closedWith?.code).toBe(1000);
      expect(service.state()).toBe('idle');
    });

    it('never replays stale control frames: a reconnect subscribes what is wanted now', () => {
      const { controller, watch, clock } = setup();
      watch('stay');
      const gone = watch('gone');
      controller.accept();
      controller.socket!.drop();
      gone.subscription.unsubscribe();
      watch('new');
      clock.tick(250);
      controller.accept();
      expect(controller.socket!.frames).toEqual([
        { type: 'resume', epoch: 'test', after: 0, subscribes: 1 },
        { type: 'subscribe', collections: ['stay', 'new'] },
      ]);
    });

    it('tracks which subscriptions the server confirmed', () => {
      const { controller, service, watch } = setup();
      watch('forums');
      service.filterByRow('products', 2, 1).subscribe();
      const forums = service.isConfirmed('forums');
      const product = service.isConfirmed('products', 1, 2);
      const socket = controller.accept();
      expect(forums()).toBeFalse();
      socket.receive({ type: 'subscribed', collections: ['forums'], seq: 0 });
      socket.receive({ type: 'subscribed', collections: ['products'], ids: [1, 2], seq: 0 });
      expect(forums()).toBeTrue();
      expect(product()).toBeTrue();
      socket.drop();
      expect(forums()).toBeFalse();
    });

    it('counts every subscription as confirmed on a plain server', () => {
      const { controller, service, watch } = setup();
      watch('forums');
      controller.accept(null).receive({ collection: 'forums' });
      expect(service.isConfirmed('forums')()).toBeTrue();
      expect(controller.socket!.sent).toEqual([]);
    });
  });

  describe('per-row interest', () => {
    it('subscribes with ids and delivers those rows and resets only', () => {
      const { controller, service } = setup();
      const seen: Notification[] = [];
      service.filterByRow('products', 7).subscribe((n) => seen.push(n));
      const socket = controller.accept();
      expect(socket.frames).toEqual([{ type: 'subscribe', collections: ['products'], ids: [7] }]);
      socket.receive({ collection: 'products', id: 8 });
      socket.receive({ collection: 'products', id: 7, op: 'update' });
      socket.receive({ type: 'reset', collections: ['products'] });
      expect(seen).toEqual([
        { collection: 'products', id: 7, op: 'update' },
        { collection: 'products', op: 'reset' },
      ]);
    });

    it('matches a string id from a route parameter to the numeric id a trigger sends', () => {
      const { controller, service } = setup();
      const seen: Notification[] = [];
      service.filterByRow('products', '7').subscribe((n) => seen.push(n));
      const socket = controller.accept();
      socket.receive({ collection: 'products', id: 7 });
      socket.receive({ collection: 'products', id: 8 });
      expect(seen).toEqual([{ collection: 'products', id: 7 }]);
    });
  });

  describe('reconnects', () => {
    it('resumes with epoch and last seq on the same epoch, without resets', () => {
      const { controller, watch, clock } = setup();
      const forums = watch('forums');
      controller.accept({ epoch: 'e1', seq: 5 });
      controller.emit({ collection: 'forums', seq: 6 });
      controller.emit({ collection: 'forums', seq: 7 });
      controller.socket!.drop();
      clock.tick(250);
      controller.accept({ epoch: 'e1', seq: 9 });
      expect(controller.socket!.frames).toEqual([
        { type: 'resume', epoch: 'e1', after: 7, subscribes: 1 },
        { type: 'subscribe', collections: ['forums'] },
      ]);
      expect(forums.seen.map((n) => n.op)).toEqual([undefined, undefined]);
    });

    it('sends the resume ahead of its subscribes, counting them, so the server can hold live notifications until all are in', () => {
      const { controller, service, watch, clock } = setup();
      watch('forums');
      watch('containers');
      service.filterByRow('products', 7).subscribe();
      controller.accept({ epoch: 'e1', seq: 5 });
      controller.socket!.drop();
      clock.tick(250);
      controller.accept({ epoch: 'e1', seq: 9 });
      expect(controller.socket!.frames).toEqual([
        { type: 'resume', epoch: 'e1', after: 5, subscribes: 2 },
        { type: 'subscribe', collections: ['forums', 'containers'] },
        { type: 'subscribe', collections: ['products'], ids: [7] },
      ]);
    });

    it('turns a new epoch into one reset per collection once it is confirmed', () => {
      const { controller, watch, clock } = setup();
      const forums = watch('forums');
      const containers = watch('containers');
      controller.accept({ epoch: 'e1' });
      controller.socket!.drop();
      clock.tick(250);
      const socket = controller.accept({ epoch: 'e2' });
      expect(socket.frames).toEqual([{ type: 'subscribe', collections: ['forums', 'containers'] }]);
      expect(forums.seen).toEqual([]);
      socket.receive({ type: 'subscribed', collections: ['forums', 'containers'], seq: 0 });
      expect(forums.seen).toEqual([{ collection: 'forums', op: 'reset' }]);
      expect(containers.seen).toEqual([{ collection: 'containers', op: 'reset' }]);
    });

    it('turns a reset frame into reset notifications for those collections only', () => {
      const { controller, watch } = setup();
      const forums = watch('forums');
      const other = watch('other');
      controller.accept().receive({ type: 'reset', collections: ['forums'] });
      expect(forums.seen).toEqual([{ collection: 'forums', op: 'reset' }]);
      expect(other.seen).toEqual([]);
    });

    it('resets every collection on each reconnect to a plain server', () => {
      const { controller, watch, clock } = setup();
      const forums = watch('forums');
      controller.accept(null).receive({ collection: 'forums' });
      // Subscribed before there was a connection: the startup reset (see "the startup gap").
      expect(forums.seen).toEqual([
        { collection: 'forums', op: 'reset' },
        { collection: 'forums' },
      ]);
      controller.socket!.drop();
      clock.tick(250);
      controller.accept(null).receive({ collection: 'forums', id: 1 });
      expect(forums.seen.slice(2)).toEqual([
        { collection: 'forums', op: 'reset' },
        { collection: 'forums', id: 1 },
      ]);
    });
  });

  it('resets after a socket that dropped before its handshake: the gap is there all the same', () => {
    const { controller, watch, clock } = setup();
    const forums = watch('forums');
    controller.accept(null);
    controller.socket!.drop();
    clock.tick(250);
    controller.accept(null).receive({ collection: 'forums', id: 1 });
    expect(forums.seen).toEqual([
      { collection: 'forums', op: 'reset' },
      { collection: 'forums', id: 1 },
    ]);
  });

  // The README's pattern: fetch on init, refetch on every notification. A change committed after
  // that fetch and before the server's `subscribed` is never sent, so the view must refetch once.
  describe('the startup gap', () => {
    const reset = (collection: string): Notification => ({ collection, op: 'reset' });

    it('resets a consumer that subscribed before the connection once its subscription is confirmed', () => {
      const { controller, watch } = setup();
      const forums = watch('forums');
      const socket = controller.accept({ seq: 5 });
      expect(forums.seen).toEqual([]);
      socket.receive({ type: 'subscribed', collections: ['forums'], seq: 5 });
      expect(forums.seen).toEqual([reset('forums')]);
    });

    it('does not reset a consumer that subscribed while connected when nothing happened until confirmed', () => {
      const { controller, watch } = setup();
      watch('containers');
      const socket = controller.accept({ seq: 5 });
      socket.receive({ collection: 'containers', seq: 7 });
      const forums = watch('forums');
      socket.receive({ type: 'subscribed', collections: ['forums'], seq: 7 });
      socket.receive({ collection: 'forums', id: 1, seq: 8 });
      expect(forums.seen).toEqual([{ collection: 'forums', id: 1, seq: 8 }]);
    });

    it('resets a consumer that subscribed while connected when the head moved before confirmation', () => {
      const { controller, watch } = setup();
      watch('containers');
      const socket = controller.accept({ seq: 5 });
      const forums = watch('forums');
      socket.receive({ type: 'subscribed', collections: ['forums'], seq: 6 });
      expect(forums.seen).toEqual([reset('forums')]);
    });

    it('resets a consumer of several collections once, when the last of them is confirmed', () => {
      const { controller, watch } = setup();
      watch('other');
      const socket = controller.accept({ seq: 5 });
      const view = watch('containers', 'forums');
      socket.receive({ type: 'subscribed', collections: ['containers'], seq: 6 });
      expect(view.seen).toEqual([]);
      socket.receive({ type: 'subscribed', collections: ['forums'], seq: 6 });
      expect(view.seen).toEqual([reset('containers')]);
    });

    it('does not reset a consumer that joins a stream already confirmed, nor the one before it again', () => {
      const { controller, watch } = setup();
      const first = watch('forums');
      controller.expectSubscribe('forums');
      expect(first.seen).toEqual([reset('forums')]);
      const second = watch('forums');
      controller.emit({ collection: 'forums', id: 1 });
      expect(second.seen).toEqual([{ collection: 'forums', id: 1 }]);
      expect(first.seen).toEqual([reset('forums'), { collection: 'forums', id: 1 }]);
    });

    it('decides for each consumer of a stream still being confirmed by what it had seen', () => {
      const { controller, watch } = setup();
      watch('containers');
      const socket = controller.accept({ seq: 5 });
      const early = watch('forums');
      socket.receive({ collection: 'containers', seq: 6 });
      const late = watch('forums');
      // Live from 6: the early consumer (at 5) may have missed seq 6, the late one (at 6) cannot.
      socket.receive({ type: 'subscribed', collections: ['forums'], seq: 6 });
      expect(early.seen).toEqual([reset('forums')]);
      expect(late.seen).toEqual([]);
    });

    // A new epoch resets every stream (its pending reset covers the consumer); the same epoch
    // resumes, but the consumer's seq is from the old connection, so it cannot prove anything.
    for (const [what, epoch, seq] of [
      ['a new epoch', 'e2', 0],
      ['the same epoch', 'e1', 5],
    ] as const) {
      it(`resets a waiting consumer once when it is confirmed after a reconnect to ${what}`, () => {
        const { controller, watch, clock } = setup();
        watch('containers');
        controller.accept({ epoch: 'e1', seq: 5 });
        const forums = watch('forums');
        controller.socket!.drop();
        clock.tick(250);
        const socket = controller.accept({ epoch, seq });
        socket.receive({ type: 'subscribed', collections: ['containers', 'forums'], seq });
        expect(forums.seen).toEqual([reset('forums')]);
      });
    }

    it('does not reset a consumer that subscribed while connected to a plain server', () => {
      const { controller, watch } = setup();
      watch('containers');
      controller.accept(null).receive({ collection: 'containers' });
      const forums = watch('forums');
      controller.socket!.receive({ collection: 'forums', id: 1 });
      expect(forums.seen).toEqual([{ collection: 'forums', id: 1 }]);
    });

    it('confirms a stream wanted again before its first subscribe was answered only with the answer to its own', () => {
      const { controller, service, watch, sent, clock } = setup({ linger: 1000 });
      watch('containers');
      const socket = controller.accept({ seq: 5 });
      // A slow authorize: the first subscribe is not answered before the linger drops the stream.
      watch('forums').subscription.unsubscribe();
      clock.tick(1000);
      const again = watch('forums');
      expect(sent().slice(1)).toEqual([
        { type: 'subscribe', collections: ['forums'] },
        { type: 'unsubscribe', collections: ['forums'] },
        { type: 'subscribe', collections: ['forums'] },
      ]);
      // The answer to the first subscribe: from before the unsubscribe, so the stream is not live.
      socket.receive({ type: 'subscribed', collections: ['forums'], seq: 5 });
      expect(service.isConfirmed('forums')()).toBe(false);
      // Meanwhile the server, between the unsubscribe and the second subscribe, sent nothing of
      // forums for seq 6; the answer to the second one shows the head moved, so the view refetches.
      socket.receive({ collection: 'containers', seq: 6 });
      socket.receive({ type: 'subscribed', collections: ['forums'], seq: 6 });
      expect(service.isConfirmed('forums')()).toBe(true);
      expect(again.seen).toEqual([reset('forums')]);
    });

    it('does not count a stream dropped before its answer as confirmed, nor the one wanted after', () => {
      const { controller, service, watch, clock } = setup({ linger: 1000 });
      watch('containers');
      const socket = controller.accept({ seq: 5 });
      watch('forums').subscription.unsubscribe();
      clock.tick(1000); // dropped and unsubscribed before the server answered its subscribe
      socket.receive({ type: 'subscribed', collections: ['forums'], seq: 5 });
      expect(service.isConfirmed('forums')()).toBe(false);
      const again = watch('forums');
      expect(service.isConfirmed('forums')()).toBe(false);
      socket.receive({ collection: 'containers', seq: 6 });
      socket.receive({ type: 'subscribed', collections: ['forums'], seq: 6 });
      expect(again.seen).toEqual([reset('forums')]);
    });

    it('forgets a consumer that leaves before its subscription is confirmed', () => {
      const { controller, watch } = setup({ linger: 1000 });
      const forums = watch('forums');
      const socket = controller.accept();
      forums.subscription.unsubscribe();
      socket.receive({ type: 'subscribed', collections: ['forums'], seq: 0 });
      expect(forums.seen).toEqual([]);
    });
  });

  describe('delivery', () => {
    it('drops duplicates by seq, and a new epoch starts over', () => {
      const { controller, watch, clock } = setup();
      const forums = watch('forums');
      controller.accept({ epoch: 'e1' });
      for (const seq of [1, 2, 2, 1, 3]) controller.emit({ collection: 'forums', seq });
      controller.socket!.drop();
      clock.tick(250);
      controller.accept({ epoch: 'e2' });
      controller.emit({ collection: 'forums', seq: 1 });
      expect(forums.seen.filter((n) => n.seq !== undefined).map((n) => n.seq)).toEqual([
        1, 2, 3, 1,
      ]);
    });

    it('starts over on a new epoch met while nothing was watched (keepAlive)', () => {
      const { controller, watch, clock } = setup({ keepAlive: true });
      const first = watch('forums');
      controller.accept({ epoch: 'e1' });
      controller.emit({ collection: 'forums', seq: 7 });
      first.subscription.unsubscribe();
      clock.tick(1000); // the linger: the stream is gone, the socket stays
      controller.socket!.drop();
      clock.tick(250);
      controller.accept({ epoch: 'e2', seq: 0 }); // a restarted server, no stream to resume
      const again = watch('forums');
      controller.socket!.receive({ type: 'subscribed', collections: ['forums'], seq: 0 });
      controller.emit({ collection: 'forums', seq: 1 });
      // Not a duplicate of e1's seq 1: without the new epoch's head, it was dropped as one.
      expect(again.seen.map((n) => n.seq)).toEqual([1]);
    });

    it('dispatches through a per-collection index', () => {
      const { controller, service, watch } = setup();
      const forums = watch('forums');
      for (let i = 0; i < 1000; i++) watch(`c${i}`);
      controller.accept();
      // The cost is the point, and it does not show through a socket: count how often the
      // notification's collection is read. Filtering every stream would read it 1,001 times.
      let reads = 0;
      const notification = {
        get collection() {
          reads++;
          return 'forums';
        },
      };
      (service as unknown as { receive(frame: unknown): void }).receive(notification);
      expect(forums.seen.length).toBe(1);
      expect(reads).toBeLessThanOrEqual(3);
    });
  });

  describe('errors', () => {
    it('reports malformed and error frames on errors$ and keeps delivering', () => {
      const { controller, watch, errors } = setup();
      const forums = watch('forums');
      const socket = controller.accept();
      socket.receive('not json');
      socket.receive({ type: 'error', code: 'bad_request', message: 'unknown type "x"' });
      socket.receive({ collection: 'forums' });
      expect(errors.map((e) => e.code)).toEqual([
        NotificationsErrorCode.MalformedFrame,
        NotificationsErrorCode.ServerError,
      ]);
      expect(errors[1].message).toBe(
        '@changefeed/angular: the server reported "bad_request": unknown type "x"',
      );
      expect(forums.seen).toEqual([{ collection: 'forums' }]);
    });

    it('errors only the forbidden collection, with a typed error', () => {
      const { controller, watch, errors } = setup();
      const secret = watch('secret');
      const forums = watch('forums');
      const socket = controller.accept();
      socket.receive({ type: 'error', code: 'forbidden', message: 'no', collections: ['secret'] });
      socket.receive({ collection: 'forums' });
      socket.receive({ collection: 'secret' });
      const failure = secret.failures[0] as NotificationsError;
      expect(failure).toBeInstanceOf(NotificationsError);
      expect(failure.code).toBe(NotificationsErrorCode.Forbidden);
      expect(failure.collections).toEqual(['secret']);
      expect(secret.seen).toEqual([]);
      expect(forums.seen).toEqual([{ collection: 'forums' }]);
      expect(forums.failures).toEqual([]);
      expect(errors).toEqual([]);
    });
  });

  it('is inert on the server platform', () => {
    TestBed.configureTestingModule({
      providers: [provideNotificationsTesting(), { provide: PLATFORM_ID, useValue: 'server' }],
    });
    let completed = false;
    TestBed.inject(NotificationService)
      .filterByCollection('forums')
      .subscribe({ complete: () => (completed = true) });
    expect(completed).toBeTrue();
    expect(TestBed.inject(NotificationsTestingController).sockets).toEqual([]);
  });
});
