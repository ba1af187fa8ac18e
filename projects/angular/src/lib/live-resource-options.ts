import type {
  Injector,
  ResourceLoaderParams,
  ResourceRef,
  Signal,
  ValueEqualityFn,
} from '@angular/core';
import type { RowId } from '@changefeed/protocol';
import type { Observable } from 'rxjs';

/** Some rows of one collection, as `filterByRow()` watches them. */
export interface LiveRows {
  collection: string;
  ids: readonly RowId[];
}

/** What a `liveResource()` follows: a whole collection (its name), some rows of one, or several of these. */
export type LiveInterest = string | LiveRows | readonly (string | LiveRows)[];

/** Options of `liveResource()`: Angular's `resource()` options plus what the data follows. */
export interface LiveResourceOptions<T, R> {
  /**
   * What the value depends on: it reloads whenever one of these changes. A function receives the
   * params (e.g. the id of the row shown) and may read signals; the subscriptions follow it.
   */
  on: LiveInterest | ((params: NoInfer<Exclude<R, undefined>>) => LiveInterest);
  /** A reactive function of the request, as in `resource()`; `undefined` leaves the resource idle. Default: one request, `null`. */
  params?: () => R;
  /** Loads the value: an `Observable` (its first value; `HttpClient` works) or a `Promise`. */
  loader: (params: ResourceLoaderParams<R>) => Observable<T> | PromiseLike<T>;
  /** The value while none is loaded (default `undefined`). */
  defaultValue?: NoInfer<T>;
  /** Equality of loaded values, as in `resource()`. */
  equal?: ValueEqualityFn<T>;
  /** Where to create it outside an injection context. */
  injector?: Injector;
  /**
   * Load during server-side rendering too (default `false`: idle there). Either way there is no
   * socket on the server; after hydration the browser's copy follows the data.
   */
  ssr?: boolean;
}

/** A `ResourceRef` that follows the database. */
export interface LiveResourceRef<T> extends ResourceRef<T> {
  /** Narrows `value()` in templates and code, as `ResourceRef.hasValue()` does. */
  hasValue(
    this: T extends undefined ? this : never,
  ): this is LiveResourceRef<Exclude<T, undefined>>;
  hasValue(): boolean;
  /** True while every subscription it needs is confirmed and the connection is open: no change can be missed. */
  readonly live: Signal<boolean>;
}
