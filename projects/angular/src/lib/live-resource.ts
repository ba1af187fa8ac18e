import { isPlatformBrowser } from '@angular/common';
import {
  computed,
  effect,
  inject,
  Injector,
  PLATFORM_ID,
  resource,
  ResourceLoaderParams,
  signal,
  untracked,
  ValueEqualityFn,
} from '@angular/core';
import type { RowId } from '@changefeed/protocol';
import { EmptyError, isObservable, merge, Observable, take } from 'rxjs';
import { coalesceNotifications } from './coalesce-notifications';
import type {
  LiveInterest,
  LiveResourceOptions,
  LiveResourceRef,
  LiveRows,
} from './live-resource-options';
import { NotificationService } from './notification.service';

/** One subscription: a whole collection, or rows of it. */
type Watch = [collection: string, ids?: readonly RowId[]];

/**
 * Angular's `resource()` for data that follows the database. It loads once the server has
 * confirmed the subscriptions it needs (so no change can slip in between), then reloads on every
 * matching notification, a burst coalesced into at most two loads, keeping the previous value on
 * screen (`status` `'reloading'`). A change during a load causes exactly one more load after it;
 * an older response never overwrites a newer one. Resets and reconnect gaps reload it. Destroying
 * its injection context releases the subscriptions (they linger, as with `filterByCollection`).
 * Idle during server-side rendering unless `ssr: true`; never opens a socket there.
 *
 * Before its subscriptions are confirmed for a request it is `idle`; `live()` says whether it
 * follows the database right now.
 *
 * @example
 * readonly forum = liveResource({
 *   params: () => this.forumId(),
 *   on: (id) => ({ collection: 'forums', ids: [id] }),
 *   loader: ({ params: id }) => this.http.get<Forum>(`/api/forums/${id}`),
 * });
 */
export function liveResource<T, R = null>(
  options: LiveResourceOptions<T, R> & { defaultValue: NoInfer<T> },
): LiveResourceRef<T>;
export function liveResource<T, R = null>(
  options: LiveResourceOptions<T, R>,
): LiveResourceRef<T | undefined>;
export function liveResource<T, R>(
  options: LiveResourceOptions<T, R>,
): LiveResourceRef<T | undefined> {
  const injector = options.injector ?? inject(Injector);
  const notifications = injector.get(NotificationService);
  const browser = isPlatformBrowser(injector.get(PLATFORM_ID));
  // Memoised, so an object request stays the same object until what it reads changes.
  const params = computed(options.params ?? (() => null as R));
  const on = options.on;

  const watches = computed(
    () => {
      const request = params();
      if (request === undefined) return [];
      return watchesOf(typeof on === 'function' ? on(request as Exclude<R, undefined>) : on);
    },
    // A new array from a signal read is the same interest if it names the same rows.
    { equal: (a, b) => JSON.stringify(a) === JSON.stringify(b) },
  );
  const confirmations = computed(() =>
    watches().map(([collection, ids = []]) => notifications.isConfirmed(collection, ...ids)),
  );
  const confirmed = computed(() => confirmations().every((isConfirmed) => isConfirmed()));
  /** A stream that failed (a collection the server refuses): loads report it from then on. */
  const failure = signal<unknown>(undefined);

  // The first load of a request waits for its subscriptions to be live; after that the value
  // stays on screen through disconnects, and what was missed arrives as notifications or a reset.
  let opened: unknown;
  const request = computed(() => {
    const current = params();
    // Back to no request forgets the last one: selecting it again waits for confirmation again.
    if (current === undefined) return (opened = undefined);
    if (!(browser || options.ssr)) return undefined;
    if (browser && current !== opened && !confirmed() && failure() === undefined) return undefined;
    return (opened = current);
  });

  /** A change arrived that no load started since has covered. */
  let stale = false;
  const changed = () => {
    stale = true;
    // False while a load is in flight (or before the first): the effect below catches up.
    ref.reload();
  };

  if (browser) {
    // Created before the resource, so in a flush that changes the request it subscribes before
    // the resource loads: a change right after the load started still reaches it.
    effect(
      (onCleanup) => {
        const stream = streamOf(notifications, watches());
        const subscription = untracked(() => {
          // A refusal was for the interest before this one.
          failure.set(undefined);
          return stream.pipe(coalesceNotifications()).subscribe({
            next: changed,
            error: (error) => {
              failure.set(error);
              changed();
            },
          });
        });
        onCleanup(() => subscription.unsubscribe());
      },
      { injector },
    );
  }

  const ref = resource<T | undefined, R | undefined>({
    params: request,
    loader: (loading) => {
      // Starting now, the load sees every change notified so far.
      stale = false;
      const failed = untracked(failure);
      if (failed !== undefined) return Promise.reject(failed);
      const result = options.loader(loading as ResourceLoaderParams<R>);
      return isObservable(result) ? firstValue(result, loading.abortSignal) : result;
    },
    defaultValue: options.defaultValue,
    equal: options.equal as ValueEqualityFn<T | undefined> | undefined,
    injector,
  });

  if (browser) {
    // The one more load that a change during a load asks for, once that load is over.
    effect(
      () => {
        if (!ref.isLoading() && stale) untracked(changed);
      },
      { injector },
    );
  }

  const live = computed(() => notifications.state() === 'open' && confirmed());
  // The same object with `live`: hasValue() narrows to LiveResourceRef, which TypeScript cannot
  // see through Object.assign.
  return Object.assign(ref, { live }) as unknown as LiveResourceRef<T | undefined>;
}

function watchesOf(interest: LiveInterest): Watch[] {
  const list = typeof interest === 'string' || !Array.isArray(interest) ? [interest] : interest;
  return list.map((item: string | LiveRows) =>
    typeof item === 'string' ? [item] : [item.collection, item.ids],
  );
}

/** One consumer for the whole collections, one per row set: each gets at most one startup reset. */
function streamOf(notifications: NotificationService, watches: Watch[]): Observable<unknown> {
  const collections = watches.filter(([, ids]) => !ids).map(([collection]) => collection);
  return merge(
    ...(collections.length ? [notifications.filterByCollection(...collections)] : []),
    ...watches
      .filter(([, ids]) => ids)
      .map(([collection, ids]) => notifications.filterByRow(collection, ...ids!)),
  );
}

/** The first value, like `firstValueFrom`, unsubscribing when Angular aborts the load. */
function firstValue<T>(source: Observable<T>, abortSignal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const subscription = source
      .pipe(take(1))
      .subscribe({ next: resolve, error: reject, complete: () => reject(new EmptyError()) });
    abortSignal.addEventListener('abort', () => subscription.unsubscribe());
  });
}
