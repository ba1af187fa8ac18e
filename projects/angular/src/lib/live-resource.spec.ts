import {
  createEnvironmentInjector,
  EnvironmentInjector,
  PLATFORM_ID,
  signal,
  Signal,
} from '@angular/core';
import { TestBed } from '@angular/core/testing';
import {
  NotificationsTestingController,
  provideNotificationsTesting,
} from '@changefeed/angular/testing';
import { Observable } from 'rxjs';
import { liveResource } from './live-resource';
import { LiveResourceOptions } from './live-resource-options';
import { NotificationsError } from './notifications-error';
import { NotificationsErrorCode } from './notifications-error-code';

/** One call of the loader, settled by the spec. */
interface Load<T> {
  params: unknown;
  resolve(value: T): void;
  reject(error: unknown): void;
  aborted(): boolean;
}

/** Lets effects run and promises settle: what a browser does between two events. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    TestBed.tick();
    await Promise.resolve();
  }
}

/** Lets the coalescing window pass (a notification soon after another waits for the burst to end). */
async function quiet(): Promise<void> {
  jasmine.clock().tick(1000);
  await settle();
}

function setup<R = null>(
  options: Partial<LiveResourceOptions<string, R>> = {},
  providers: unknown[] = [],
) {
  TestBed.configureTestingModule({
    providers: [provideNotificationsTesting(), ...(providers as [])],
  });
  const controller = TestBed.inject(NotificationsTestingController);
  const loads: Load<string>[] = [];
  // A child injector, so a spec can destroy the resource's context as a component would.
  const context = createEnvironmentInjector([], TestBed.inject(EnvironmentInjector));
  const ref = liveResource<string, R>({
    on: 'forums',
    loader: ({ params, abortSignal }) =>
      new Promise<string>((resolve, reject) =>
        loads.push({ params, resolve, reject, aborted: () => abortSignal.aborted }),
      ),
    injector: context,
    ...options,
  });
  /** Confirms the subscription and answers the first load with `value`. */
  const loadFirst = async (value = 'v1') => {
    await settle();
    controller.expectSubscribe('forums');
    await quiet();
    loads[0].resolve(value);
    await settle();
  };
  return { controller, loads, ref, context, loadFirst };
}

describe(liveResource.name, () => {
  beforeEach(() => {
    jasmine.clock().install();
    jasmine.clock().mockDate(new Date(0));
  });
  afterEach(() => jasmine.clock().uninstall());

  it('loads only once its subscription is confirmed, once despite the startup reset', async () => {
    const { controller, loads, ref } = setup();
    await settle();
    expect(loads.length).toBe(0);
    expect(ref.status()).toBe('idle');
    expect(ref.live()).toBeFalse();
    controller.expectSubscribe('forums');
    await settle();
    expect(loads.length).toBe(1);
    expect(ref.live()).toBeTrue();
    loads[0].resolve('v1');
    await settle();
    expect(ref.value()).toBe('v1');
    expect(ref.status()).toBe('resolved');
    expect(loads.length).toBe(1);
  });

  it('reloads on a notification, keeping the previous value while it loads', async () => {
    const { controller, loads, ref, loadFirst } = setup();
    await loadFirst();
    controller.emit({ collection: 'forums', op: 'update', id: 1 });
    await settle();
    expect(loads.length).toBe(2);
    expect(ref.status()).toBe('reloading');
    expect(ref.value()).toBe('v1');
    loads[1].resolve('v2');
    await settle();
    expect(ref.value()).toBe('v2');
  });

  it('loads exactly once more after a load during which a change arrived', async () => {
    const { controller, loads, ref } = setup();
    await settle();
    controller.expectSubscribe('forums');
    await quiet();
    controller.emit({ collection: 'forums', op: 'insert', id: 2 });
    await quiet();
    expect(loads.length).withContext('Angular refuses a reload while loading').toBe(1);
    loads[0].resolve('before the insert');
    await settle();
    expect(loads.length).toBe(2);
    loads[1].resolve('with the insert');
    await quiet();
    expect(ref.value()).toBe('with the insert');
    expect(loads.length).toBe(2);
  });

  it('never lets an older, slower response overwrite a newer one', async () => {
    const id = signal<number | undefined>(1);
    const { controller, loads, ref } = setup<number | undefined>({
      params: id,
      on: (forum) => ({ collection: 'forums', ids: [forum] }),
    });
    await settle();
    controller.expectSubscribeRows('forums', 1);
    await settle();
    id.set(2);
    await settle();
    controller.expectSubscribeRows('forums', 2);
    await settle();
    expect(loads.map((load) => load.params)).toEqual([1, 2]);
    expect(loads[0].aborted()).toBeTrue();
    loads[1].resolve('forum 2');
    await settle();
    loads[0].resolve('forum 1, late');
    await settle();
    expect(ref.value()).toBe('forum 2');
  });

  it('loads at most twice for a burst of 1,000 notifications, however fast the loader answers', async () => {
    const { controller, loads } = setup();
    await settle();
    controller.expectSubscribe('forums');
    await quiet();
    const answerAll = async () => {
      await settle();
      for (const load of loads) load.resolve('answered at once');
      await settle();
    };
    await answerAll();
    // 1,000 notifications over half a second, the loader answering between every ten of them.
    for (let id = 1; id <= 1000; id++) {
      controller.emit({ collection: 'forums', op: 'insert', id });
      if (id % 10 === 0) {
        jasmine.clock().tick(5);
        await answerAll();
      }
    }
    await quiet();
    await answerAll();
    await quiet();
    expect(loads.length - 1)
      .withContext('loads after the first')
      .toBeLessThanOrEqual(2);
    expect(loads.length - 1).toBeGreaterThanOrEqual(1);
  });

  it('reloads on a reset', async () => {
    const { controller, loads, loadFirst } = setup();
    await loadFirst();
    controller.socket!.receive({ type: 'reset', collections: ['forums'] });
    await settle();
    expect(loads.length).toBe(2);
  });

  it('reloads after a reconnect to a new epoch, and is not live while away', async () => {
    const { controller, loads, ref, loadFirst } = setup();
    await loadFirst();
    controller.socket!.drop();
    await settle();
    expect(ref.live()).toBeFalse();
    expect(ref.value()).toBe('v1');
    controller.clock.tick(1000);
    controller.welcome = { ...controller.welcome, epoch: 'restarted' };
    controller.expectSubscribe('forums');
    await settle();
    expect(ref.live()).toBeTrue();
    expect(loads.length).toBe(2);
  });

  it('loads the first value of an Observable, and unsubscribes from one it no longer needs', async () => {
    const id = signal(1);
    let unsubscribed = 0;
    const { controller, ref } = setup<number>({
      params: id,
      loader: ({ params }) =>
        new Observable<string>((subscriber) => {
          if (params === 2) subscriber.next('forum 2');
          return () => unsubscribed++;
        }),
    });
    await settle();
    controller.expectSubscribe('forums');
    await settle();
    id.set(2);
    await settle();
    expect(unsubscribed).toBe(2);
    expect(ref.value()).toBe('forum 2');
  });

  it('reports a collection the server refuses as its error', async () => {
    const { controller, ref } = setup();
    await settle();
    controller.accept().receive({
      type: 'error',
      code: 'forbidden',
      message: 'no',
      collections: ['forums'],
    });
    await settle();
    expect(ref.status()).toBe('error');
    expect((ref.error() as NotificationsError).code).toBe(NotificationsErrorCode.Forbidden);
  });

  it('forgets a refusal once it follows something else', async () => {
    const collection = signal('secret');
    const { controller, loads, ref } = setup<string>({
      params: collection,
      on: (name) => name,
    });
    await settle();
    controller.accept().receive({
      type: 'error',
      code: 'forbidden',
      message: 'no',
      collections: ['secret'],
    });
    await settle();
    expect(ref.status()).toBe('error');
    collection.set('forums');
    await settle();
    controller.expectSubscribe('forums');
    await quiet();
    loads[0].resolve('forums');
    await settle();
    expect(ref.value()).toBe('forums');
  });

  it('waits for confirmation again when a request comes back after none', async () => {
    const id = signal<number | undefined>(1);
    const { controller, loads } = setup<number | undefined>({
      params: id,
      on: (forum) => ({ collection: 'forums', ids: [forum] }),
    });
    await settle();
    controller.expectSubscribeRows('forums', 1);
    await quiet();
    loads[0].resolve('forum 1');
    id.set(undefined);
    await settle();
    controller.expectUnsubscribeRows('forums', 1);
    id.set(1);
    await settle();
    expect(loads.length).withContext('no load before the new subscription is live').toBe(1);
    controller.expectSubscribeRows('forums', 1);
    await quiet();
    expect(loads.length).toBe(2);
  });

  it('unsubscribes when its injection context is destroyed', async () => {
    const { controller, context, ref } = setup();
    await settle();
    controller.expectSubscribe('forums');
    await settle();
    context.destroy();
    controller.expectUnsubscribe('forums');
    controller.verify();
    expect(ref.status()).toBe('idle');
  });

  describe('during server-side rendering', () => {
    const server = [{ provide: PLATFORM_ID, useValue: 'server' }];

    it('stays idle and opens no socket', async () => {
      const { controller, loads, ref } = setup({}, server);
      await settle();
      expect(ref.status()).toBe('idle');
      expect(loads.length).toBe(0);
      expect(controller.sockets).toEqual([]);
    });

    it('loads once with ssr: true, still without a socket', async () => {
      const { controller, loads, ref } = setup({ ssr: true }, server);
      await settle();
      loads[0].resolve('rendered on the server');
      await settle();
      expect(ref.value()).toBe('rendered on the server');
      expect(loads.length).toBe(1);
      expect(controller.sockets).toEqual([]);
      expect((ref.live as Signal<boolean>)()).toBeFalse();
    });
  });
});
