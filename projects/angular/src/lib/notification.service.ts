import { isPlatformBrowser } from '@angular/common';
import {
  computed,
  DestroyRef,
  inject,
  Injectable,
  NgZone,
  PLATFORM_ID,
  Signal,
  signal,
  untracked,
} from '@angular/core';
import {
  isNotification,
  Notification,
  RowId,
  ServerFrame,
  SubscribeFrame,
} from '@changefeed/protocol';
import { EMPTY, merge, Observable, Subject, Subscriber, Subscription } from 'rxjs';
import { NOTIFICATIONS_CLOCK } from './notifications-clock';
import { NotificationsError } from './notifications-error';
import { NOTIFICATIONS_OPTIONS } from './notifications-options';
import { runtimeError } from './runtime-error';
import { WebSocketService } from './websocket.service';
import { WebSocketSession } from './websocket-session';

/** One shared stream: a whole collection, or some rows of one. */
interface Stream {
  key: string;
  collection: string;
  ids?: RowId[];
  /** Row ids as strings: a route parameter "7" must match a trigger's numeric 7, as on the server. */
  rows?: Set<string>;
  refs: number;
  subject: Subject<Notification>;
  linger?: unknown;
  dead?: boolean;
}

/**
 * A consumer that subscribed before its streams were live. It fetched at about the time it
 * subscribed, so a change committed between that fetch and the server's `subscribed` never reaches
 * it as a notification: unless the confirmation proves nothing happened in between, it gets one
 * `reset` once its last stream is live.
 */
interface Waiter {
  subscriber: Subscriber<Notification>;
  /**
   * The newest seq it had seen when it subscribed; null when unknown. It only counts within the
   * session it was seen in (a new session forgets it), and only against a `subscribed` frame.
   */
  seq: number | null;
  /** Its streams not yet confirmed. */
  waiting: Set<Stream>;
  /** Of those, the first whose confirmation cannot rule out a missed change. */
  missed?: Stream;
}

/**
 * Change notifications per collection, kept correct across reconnects: ref-counted subscribe and
 * unsubscribe frames, re-subscribe + resume after a reconnect, synthetic `reset` notifications
 * for every gap the server cannot replay, duplicates dropped by `seq`. A consumer that fetches
 * when it subscribes misses nothing before its subscription is live either: it gets one `reset`
 * when confirmed, unless the confirmation proves nothing changed since it subscribed.
 *
 * @example
 * export class Forums implements OnInit {
 *   private readonly notifications = inject(NotificationService);
 *   private readonly destroyRef = inject(DestroyRef);
 *   ngOnInit() {
 *     this.update();
 *     this.notifications.filterByCollection('forums')
 *       .pipe(coalesceNotifications(), takeUntilDestroyed(this.destroyRef))
 *       .subscribe(() => this.update());
 *   }
 * }
 */
@Injectable()
export class NotificationService {
  readonly #ws = inject(WebSocketService);
  readonly #options = inject(NOTIFICATIONS_OPTIONS);
  readonly #clock = inject(NOTIFICATIONS_CLOCK);
  readonly #zone = inject(NgZone);
  readonly #browser = isPlatformBrowser(inject(PLATFORM_ID));
  /** collection → its streams, so one notification costs the same however many collections are watched. */
  readonly #index = new Map<string, Stream[]>();
  readonly #streams = new Map<string, Stream>();
  readonly #confirmed = signal<ReadonlySet<string>>(new Set());
  readonly #errorSubject = new Subject<NotificationsError>();
  /** Streams with a reconnect gap (a new epoch, a plain server) that reset once the server confirms them, not before (a fetch before could miss a change). */
  readonly #pendingResets = new Set<string>();
  readonly #waiters = new Set<Waiter>();
  /**
   * Subscribe frames sent on this connection and not yet answered, per key. A stream confirms
   * only with the answer to the last of them: one dropped after its linger and wanted again
   * before its first subscribe was answered (a slow `authorize`) sent two, and the first answer
   * comes from before the unsubscribe in between, so it proves nothing for the stream now.
   */
  readonly #unanswered = new Map<string, number>();
  #connection?: Subscription | null;
  /** The live connection's session; its `welcome` is null for a plain broadcast server. */
  #session?: WebSocketSession | null;
  #epoch?: string | null;
  #lastSeq: number | null = null;

  /** The connection state (see `ConnectionState`). */
  readonly state = this.#ws.state;
  /** Malformed frames, server `error` frames, connection failures. Streams keep working after each. */
  readonly errors$: Observable<NotificationsError> = merge(this.#ws.errors$, this.#errorSubject);

  constructor() {
    const sessions = this.#ws.sessions$.subscribe((session) => this.#onSession(session));
    inject(DestroyRef).onDestroy(() => {
      sessions.unsubscribe();
      this.#connection?.unsubscribe();
      for (const stream of this.#streams.values()) stream.subject.complete();
      this.#errorSubject.complete();
    });
  }

  /**
   * Notifications of these collections. One shared stream per collection; the server is told to
   * subscribe while anyone listens and to unsubscribe `linger` ms after the last one leaves.
   * A collection the server refuses errors with a `NotificationsError` of code `forbidden`.
   *
   * @example
   * notifications.filterByCollection<Forum>('forums').subscribe((n) => n.op === 'reset' ? reloadAll() : reload(n.id));
   */
  filterByCollection<T = unknown>(...collections: string[]): Observable<Notification<T>> {
    return this.#watch<T>(collections.map((collection) => [collection]));
  }

  /**
   * Notifications of some rows of one collection (a product page), plus the collection's resets.
   *
   * @example
   * notifications.filterByRow('products', productId).subscribe(() => reloadProduct());
   */
  filterByRow<T = unknown>(collection: string, ...ids: RowId[]): Observable<Notification<T>> {
    return this.#watch<T>([[collection, ids]]);
  }

  /**
   * Whether the server has confirmed (`subscribed`) this collection, or these rows of it: from
   * then on no change is missed, so a fetch started after it is safe. Plain servers count as
   * confirmed once connected.
   *
   * @example
   * readonly live = notifications.isConfirmed('forums');
   */
  isConfirmed(collection: string, ...ids: RowId[]): Signal<boolean> {
    const key = keyOf(collection, ids.length ? ids : undefined);
    return computed(() => this.#confirmed().has(key));
  }

  #watch<T>(wanted: [string, RowId[]?][]): Observable<Notification<T>> {
    if (!this.#browser) return EMPTY;
    // `T` is the caller's claim about `data`; the wire carries whatever the server sent.
    return new Observable<Notification<T>>((subscriber: Subscriber<Notification>) => {
      const held = wanted.map(([collection, ids]) => this.#acquire(collection, ids));
      // Untracked: subscribing inside an effect must not make it depend on confirmations.
      const confirmed = untracked(this.#confirmed);
      const waiting = new Set(held.filter((stream) => !confirmed.has(stream.key)));
      // The newest seq seen was assigned before this subscribe, so its change is in a fetch made
      // now; if the subscription went live at or before that seq, nothing can have been missed.
      const waiter: Waiter = { subscriber, seq: this.#lastSeq, waiting };
      if (waiting.size) this.#waiters.add(waiter);
      const subscriptions = held.map((stream) => stream.subject.subscribe(subscriber));
      return () => {
        this.#waiters.delete(waiter);
        for (const subscription of subscriptions) subscription.unsubscribe();
        for (const stream of held) this.#release(stream);
      };
    });
  }

  #acquire(collection: string, ids?: RowId[]): Stream {
    const key = keyOf(collection, ids);
    let stream = this.#streams.get(key);
    if (stream) {
      this.#clock.clearTimeout(stream.linger);
      stream.refs++;
      return stream;
    }
    const unique = ids && [...new Set(ids)];
    stream = {
      key,
      collection,
      ids: unique,
      rows: unique && new Set(unique.map(String)),
      refs: 1,
      subject: new Subject(),
    };
    this.#streams.set(key, stream);
    this.#index.set(collection, [...(this.#index.get(collection) ?? []), stream]);
    this.#connection ??= this.#ws.messages$.subscribe((frame) => this.receive(frame));
    if (this.#session?.welcome) {
      this.#ws.send(frameOf('subscribe', stream));
      this.#sentSubscribe(key);
    } else if (this.#session) this.#confirm([key]);
    return stream;
  }

  #release(stream: Stream): void {
    if (stream.dead || --stream.refs > 0) return;
    if (this.#options.linger <= 0) return this.#drop(stream, true);
    this.#zone.runOutsideAngular(
      () =>
        (stream.linger = this.#clock.setTimeout(
          () => this.#drop(stream, true),
          this.#options.linger,
        )),
    );
  }

  #drop(stream: Stream, unsubscribe: boolean): void {
    stream.dead = true;
    this.#clock.clearTimeout(stream.linger);
    this.#streams.delete(stream.key);
    const rest = this.#index.get(stream.collection)!.filter((s) => s !== stream);
    if (rest.length) this.#index.set(stream.collection, rest);
    else this.#index.delete(stream.collection);
    this.#pendingResets.delete(stream.key);
    if (untracked(this.#confirmed).has(stream.key))
      this.#confirmed.update((keys) => new Set([...keys].filter((k) => k !== stream.key)));
    if (unsubscribe && this.#session?.welcome) this.#ws.send(frameOf('unsubscribe', stream));
    // The unsubscribe above goes out first: releasing the last consumer closes the socket.
    if (!this.#streams.size) {
      this.#connection?.unsubscribe();
      this.#connection = null;
    }
  }

  #onSession(session: WebSocketSession | null): void {
    this.#pendingResets.clear();
    this.#unanswered.clear();
    this.#confirmed.set(new Set());
    for (const waiter of this.#waiters) waiter.seq = null;
    this.#session = session;
    if (!session) return;
    // Lingering streams (no consumers left) were never unsubscribed on the old connection; the
    // new one need not hear of them: they are dropped here (#drop returns nothing, so filtered out).
    const active = [...this.#streams.values()].filter(
      (stream) => stream.refs || this.#drop(stream, false),
    );
    const welcome = session.welcome;
    // What a reconnect missed is replayed by a resume in the same epoch; otherwise (a new epoch,
    // a plain server, which cannot replay) each stream resets once confirmed. With no stream
    // there is nothing to resume, but the session's epoch and head are taken all the same (a
    // kept-alive socket): a later stream must not measure a new epoch's seqs against an old one.
    const resumes =
      active.length > 0 && !!welcome && welcome.epoch === this.#epoch && this.#lastSeq !== null;
    if (session.reconnect && !resumes)
      for (const stream of active) this.#pendingResets.add(stream.key);
    if (!welcome) {
      // A plain server has no subscriptions to confirm.
      this.#epoch = this.#lastSeq = null;
      this.#confirm(active.map((stream) => stream.key));
      return;
    }
    // One batch from the interest set as it is now, never a replay of stale frames: a subscribe
    // per distinct row set. A key is its collection plus its sorted ids, so the rest of the key
    // names the row set ('' for whole collections) and no collection can appear twice in one.
    const batches = new Map<string, SubscribeFrame>();
    for (const stream of active) {
      const rows = stream.key.slice(stream.collection.length);
      const batch = batches.get(rows);
      if (batch) batch.collections.push(stream.collection);
      else batches.set(rows, frameOf('subscribe', stream));
      this.#sentSubscribe(stream.key);
    }
    // The resume goes first and waits for the subscribes it counts: sent after them, it could
    // reach the server after live notifications had passed `after`, and be answered with a reset.
    if (resumes)
      this.#ws.send({
        type: 'resume',
        epoch: welcome.epoch,
        after: this.#lastSeq!,
        subscribes: batches.size,
      });
    else {
      this.#epoch = welcome.epoch;
      this.#lastSeq = welcome.seq;
    }
    for (const frame of batches.values()) this.#ws.send(frame);
  }

  /** `private`, not `#`: the dispatch-cost spec feeds frames here without a socket. */
  private receive(frame: ServerFrame): void {
    if (isNotification(frame)) return this.#dispatch(frame);
    if (frame.type === 'subscribed') {
      this.#confirm(
        frame.collections
          .map((collection) => keyOf(collection, frame.ids))
          .filter((key) => this.#answered(key)),
        frame.seq,
      );
    } else if (frame.type === 'reset') {
      for (const collection of frame.collections)
        for (const stream of this.#index.get(collection) ?? [])
          stream.subject.next(resetOf(stream));
    } else if (frame.type === 'error') {
      if (frame.code === 'forbidden' && frame.collections?.length)
        return this.#forbid(frame.collections, frame.message);
      this.#errorSubject.next(runtimeError('server_error', frame, frame.collections));
    }
  }

  #dispatch(notification: Notification): void {
    const seq = notification.seq;
    if (seq !== undefined && this.#lastSeq !== null) {
      if (seq <= this.#lastSeq) return;
      this.#lastSeq = seq;
    }
    const streams = this.#index.get(notification.collection);
    if (!streams) return;
    for (const stream of streams) {
      if (!stream.rows || notification.id === undefined || stream.rows.has(String(notification.id)))
        stream.subject.next(notification);
    }
  }

  #sentSubscribe(key: string): void {
    this.#unanswered.set(key, (this.#unanswered.get(key) ?? 0) + 1);
  }

  /** A `subscribed` answers one subscribe of `key`: true when it answers the last one sent. */
  #answered(key: string): boolean {
    const left = (this.#unanswered.get(key) ?? 1) - 1;
    if (left > 0) this.#unanswered.set(key, left);
    else this.#unanswered.delete(key);
    return left <= 0;
  }

  #forbid(collections: string[], message: string): void {
    for (const collection of collections) {
      for (const stream of this.#index.get(collection) ?? []) {
        this.#drop(stream, false);
        this.#unanswered.delete(stream.key); // answered with this error instead
        stream.subject.error(
          runtimeError('forbidden', { collection, reason: message }, [collection]),
        );
      }
    }
  }

  /**
   * Marks streams live, then makes up for what they may have missed before: a reconnect's gap
   * resets every consumer, a first subscription resets each consumer that cannot prove it missed
   * nothing (`seq` is the `subscribed` frame's head; a plain server has none).
   */
  #confirm(keys: string[], seq?: number): void {
    // An answer for a stream dropped meanwhile confirms nothing: the server has been told to
    // unsubscribe it, and a stream wanted again must wait for the answer to its own subscribe.
    keys = keys.filter((key) => this.#streams.has(key));
    if (!keys.length) return;
    this.#confirmed.update((old) => new Set([...old, ...keys]));
    for (const key of keys) {
      const stream = this.#streams.get(key);
      // Dropped by a consumer leaving on an earlier reset of this loop (linger 0).
      if (!stream) continue;
      const reset = this.#pendingResets.delete(key);
      if (reset) stream.subject.next(resetOf(stream));
      for (const waiter of this.#waiters) {
        if (!waiter.waiting.delete(stream)) continue;
        // Live from `seq` on, with the consumer's newest seq at or past it: anything later reaches it.
        const proven = seq !== undefined && waiter.seq !== null && waiter.seq >= seq;
        if (!reset && !proven) waiter.missed ??= stream;
        if (waiter.waiting.size) continue;
        this.#waiters.delete(waiter);
        // One reset per consumer, however many of its collections it covers: the view refetches
        // what it shows once, not once per collection.
        if (waiter.missed) waiter.subscriber.next(resetOf(waiter.missed));
      }
    }
  }
}

function frameOf<T extends 'subscribe' | 'unsubscribe'>(type: T, { collection, ids }: Stream) {
  return { type, collections: [collection], ...(ids && { ids }) };
}

function resetOf({ collection }: Stream): Notification {
  return { collection, op: 'reset' };
}

function keyOf(collection: string, ids?: RowId[]): string {
  return ids ? collection + '\n' + JSON.stringify([...new Set(ids)].sort()) : collection;
}
