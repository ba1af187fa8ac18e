import { DOCUMENT, isPlatformBrowser } from '@angular/common';
import { DestroyRef, inject, NgZone, PLATFORM_ID, signal } from '@angular/core';
import {
  checkServerFrame,
  ClientFrame,
  isNotification,
  RowId,
  ServerFrame,
  SubscribedFrame,
  WelcomeFrame,
} from '@changefeed/protocol';
import { EMPTY, Observable, Subject } from 'rxjs';
import { ConnectionState } from './connection-state';
import { EVENT_SOURCE_SETTINGS } from './event-source-options';
import { NOTIFICATIONS_CLOCK } from './notifications-clock';
import { NotificationsError } from './notifications-error';
import { NOTIFICATIONS_OPTIONS } from './notifications-options';
import { NOTIFICATIONS_RANDOM } from './notifications-random';
import { onWake } from './on-wake';
import type { NotificationsTransport } from './notifications-transport';
import { NO_SOCKET, ReconnectPolicy } from './reconnect-policy';
import { resolveUrl } from './resolve-url';
import { runtimeError } from './runtime-error';
import { WebSocketSession } from './websocket-session';

/** A collection, or some rows of one, that the app watches. */
interface Want {
  collection: string;
  ids?: RowId[];
}

/** Where a stream resumes from: the `<epoch>:<seq>` of the last event seen. */
interface Position {
  epoch: string;
  seq: number;
}

/**
 * `WebSocketService`'s part for `NotificationService`, over one `EventSource` (`withEventSource()`
 * provides it in `WebSocketService`'s place). A stream's filter is fixed, so it keeps the interest
 * the subscribe and unsubscribe frames describe, reopens the stream with it (batched within a
 * turn) and answers each subscribe with the `subscribed` frame a WebSocket server would send once
 * a stream carrying it is live. Every (re)open sends the last `<epoch>:<seq>` seen as
 * `lastEventId` (a new `EventSource` cannot set the `Last-Event-ID` header), so the server
 * replays what a drop or a reopen missed. Each stream starts with a `welcome` event naming its
 * epoch and the seq it is live from; a session lasts as long as the epoch does, across drops and
 * reopens, so only a new epoch (a restarted server) makes `NotificationService` reset.
 *
 * Reconnects itself with `ReconnectPolicy` rather than letting `EventSource` retry: a fresh
 * `url()` and `lastEventId` per attempt, backoff with jitter, `online`/`visibilitychange`.
 * An `EventSource` error says no status, so every failed attempt counts as a server away.
 *
 * Made with `new` in an injection context (`withEventSource()`'s provider), not `@Injectable`:
 * a decorated class carries static fields, which keep it in bundles that never use it.
 */
export class EventSourceService {
  readonly #options = inject(NOTIFICATIONS_OPTIONS);
  readonly #settings = inject(EVENT_SOURCE_SETTINGS);
  readonly #clock = inject(NOTIFICATIONS_CLOCK);
  readonly #policy = new ReconnectPolicy(this.#options.reconnect, inject(NOTIFICATIONS_RANDOM));
  readonly #zone = inject(NgZone);
  readonly #document = inject(DOCUMENT);
  readonly #browser = isPlatformBrowser(inject(PLATFORM_ID));

  readonly #state = signal<ConnectionState>(this.#browser ? 'idle' : 'closed');
  readonly #frames = new Subject<ServerFrame>();
  readonly #errorSubject = new Subject<NotificationsError>();
  readonly #sessionSubject = new Subject<WebSocketSession | null>();

  /** The connection state (see `ConnectionState`): `open` once a stream's `welcome` arrived. */
  readonly state = this.#state.asReadonly();
  readonly transport = signal<NotificationsTransport>('eventsource').asReadonly();
  /** Malformed events, connection failures, given up. */
  readonly errors$: Observable<NotificationsError> = this.#errorSubject.asObservable();
  /** A session per server epoch (the first one before any stream, to learn the interest), `null` when it ends. */
  readonly sessions$: Observable<WebSocketSession | null> = this.#sessionSubject.asObservable();
  /** Every valid event, as the frame a WebSocket server would send. Subscribing makes you a consumer. */
  readonly messages$: Observable<ServerFrame> = this.#browser
    ? new Observable<ServerFrame>((subscriber) => {
        const subscription = this.#frames.subscribe(subscriber);
        this.#retain();
        return () => {
          subscription.unsubscribe();
          this.#release();
        };
      })
    : EMPTY;

  /** What subscribe and unsubscribe frames asked for, by key. */
  readonly #interest = new Map<string, Want>();
  /** Subscribes not yet answered, per key: each gets its `subscribed`, as from a WebSocket server. */
  readonly #unanswered = new Map<string, number>();
  #source: EventSource | null = null;
  /** The keys the open stream was asked for; live once its welcome came (`#liveFrom`). */
  #streamKeys = new Set<string>();
  /** The seq the open stream is live from; undefined until its welcome. */
  #liveFrom?: number;
  /** Where the open stream was asked to resume from. */
  #from: Position | null = null;
  /** The last position seen: what the next stream resumes from. */
  #position: Position | null = null;
  #session: WebSocketSession | null = null;
  #hadSession = false;
  /** The server answers a resume in another epoch with a reset the new session already makes. */
  #swallowReset = false;
  #consumers = 0;
  /** Bumped on every open and stop, so a late url Promise cannot open a stale stream. */
  #generation = 0;
  #openedAt = 0;
  /** The retry after a lost stream, or the batched reopen after interest changed. */
  #timer: unknown;
  #retrying = false;
  #reopenDue = false;

  constructor() {
    if (!this.#browser) return;
    onWake(() => this.#wake());
    inject(DestroyRef).onDestroy(() => {
      this.#stop('closed');
      for (const subject of [this.#frames, this.#errorSubject, this.#sessionSubject])
        subject.complete();
    });
  }

  /**
   * Takes what `NotificationService` sends a WebSocket server: subscribe and unsubscribe change
   * the stream's filter; resume is what every open does anyway; ping has no use over a stream.
   */
  send(frame: ClientFrame): void {
    if (frame.type !== 'subscribe' && frame.type !== 'unsubscribe') return;
    const { collections, ids } = frame;
    const live: string[] = [];
    for (const collection of collections) {
      const key = keyOf(collection, ids);
      if (frame.type === 'unsubscribe') {
        this.#interest.delete(key);
        // Answered all the same, as a WebSocket server answers a subscribe before an unsubscribe.
        for (let n = this.#unanswered.get(key) ?? 0; n > 0; n--) live.push(collection);
        this.#unanswered.delete(key);
        continue;
      }
      this.#interest.set(key, { collection, ids });
      // Live on the open stream since #liveFrom: nothing after it was missed.
      if (this.#liveFrom !== undefined && this.#streamKeys.has(key)) live.push(collection);
      else {
        this.#unanswered.set(key, (this.#unanswered.get(key) ?? 0) + 1);
        // Closed now, not at the reopen: the new stream resumes from the position the consumer
        // subscribed at, and what it replays must not come after newer events of the old stream
        // (NotificationService drops a seq at or below the newest it has seen as a duplicate).
        this.#close();
      }
    }
    if (live.length) this.#answer(live, ids, this.#liveFrom ?? 0);
    // A narrower filter can wait for the reopen: the old stream only carries more than asked.
    this.#scheduleReopen();
  }

  /** The first consumer starts a session, whose subscribes tell what to open. */
  #retain(): void {
    if (++this.#consumers !== 1 || this.#state() !== 'idle') return;
    this.#state.set('connecting');
    // Not from inside the subscribe that got here: NotificationService is still setting up.
    void Promise.resolve().then(() => {
      if (this.#consumers === 0 || this.#session) return;
      // Until a stream's welcome names the epoch, the last one known (or none): if the stream
      // turns out to be in it, the session carries on; if not, a new one replaces this one.
      const position = this.#position;
      this.#startSession({
        type: 'welcome',
        protocol: 1,
        epoch: position?.epoch ?? '',
        seq: position?.seq ?? 0,
        heartbeat: 0,
      });
    });
  }

  #release(): void {
    if (--this.#consumers === 0 && this.#state() !== 'closed') this.#stop('idle');
  }

  #startSession(welcome: WelcomeFrame): void {
    if (this.#session) {
      this.#session = null;
      this.#sessionSubject.next(null);
    }
    // NotificationService subscribes to all it watches on every session: the interest starts over.
    this.#interest.clear();
    this.#unanswered.clear();
    this.#session = { welcome, reconnect: this.#hadSession };
    this.#hadSession = true;
    this.#sessionSubject.next(this.#session);
  }

  #scheduleReopen(): void {
    // A retry pending opens with the interest as it is by then.
    if (this.#reopenDue || this.#retrying || this.#consumers === 0) return;
    this.#reopenDue = true;
    // One reopen for every change made in this turn (a route's components subscribe together).
    this.#zone.runOutsideAngular(() => {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = this.#clock.setTimeout(() => this.#connect(), 0);
    });
  }

  #connect(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#reopenDue = this.#retrying = false;
    if (sameKeys(this.#interest, this.#streamKeys) && this.#source) return;
    if (this.#interest.size === 0) return this.#close();
    // No attempt can succeed offline; the `online` event dials again.
    if (navigator.onLine === false) {
      this.#close();
      this.#retrying = true;
      return this.#state.set('reconnecting');
    }
    const generation = ++this.#generation;
    // A late answer of an earlier attempt's url Promise must not open a second stream.
    const current = () => generation === this.#generation;
    this.#zone.runOutsideAngular(() =>
      resolveUrl(
        this.#settings.url,
        (url) => current() && this.#open(url),
        (error) => current() && this.#urlFailed(error),
      ),
    );
  }

  #urlFailed(error: unknown): void {
    this.#errorSubject.next(runtimeError('url_failed', error));
    this.#lost();
  }

  #open(url: string): void {
    this.#close();
    const target = new URL(url, this.#document.baseURI);
    // Whole collections, and for the others the union of the rows asked for: one stream.
    const whole = new Set<string>();
    const rows = new Map<string, Set<string>>();
    for (const { collection, ids } of this.#interest.values()) {
      if (!ids) whole.add(collection);
      else
        for (const id of ids)
          rows.set(collection, (rows.get(collection) ?? new Set()).add(String(id)));
    }
    for (const collection of whole) rows.delete(collection);
    // Asks for the `welcome` event that names the epoch and the seq the stream is live from.
    target.searchParams.set('welcome', '1');
    target.searchParams.set('collections', [...whole, ...rows.keys()].join(','));
    for (const [collection, ids] of rows)
      target.searchParams.set(`ids.${collection}`, [...ids].join(','));
    const position = this.#position;
    this.#from = position && { ...position };
    if (this.#from) target.searchParams.set('lastEventId', `${this.#from.epoch}:${this.#from.seq}`);
    this.#streamKeys = new Set(this.#interest.keys());
    const source = (this.#source = new EventSource(target.href, {
      withCredentials: this.#settings.withCredentials,
    }));
    source.addEventListener('welcome', (event) => this.#welcome(event));
    source.addEventListener('message', (event) => this.#receive(event));
    source.addEventListener('reset', (event) => this.#receive(event));
    // Both the server's `event: error` (a MessageEvent with data) and a failed connection.
    source.addEventListener('error', (event) =>
      (event as MessageEvent).data === undefined
        ? this.#lost()
        : this.#receive(event as MessageEvent),
    );
  }

  #welcome(event: MessageEvent): void {
    const result = checkServerFrame(event.data);
    if (!result.ok || isNotification(result.frame) || result.frame.type !== 'welcome')
      return this.#errorSubject.next(runtimeError('malformed_frame', event.data));
    const welcome = result.frame;
    this.#openedAt = this.#clock.now();
    this.#state.set('open');
    const from = this.#from;
    // Resumed in the same epoch: the stream replays from `from` (or resets what it cannot).
    const liveFrom = from?.epoch === welcome.epoch ? from.seq : welcome.seq;
    this.#liveFrom = liveFrom;
    this.#position = { epoch: welcome.epoch, seq: liveFrom };
    if (this.#session?.welcome?.epoch === welcome.epoch) {
      const keys = [...this.#unanswered.keys()].filter((key) => this.#streamKeys.has(key));
      for (const key of keys) {
        const { collection, ids } = this.#interest.get(key)!;
        for (let n = this.#unanswered.get(key)!; n > 0; n--)
          this.#answer([collection], ids, liveFrom);
        this.#unanswered.delete(key);
      }
    } else {
      // A new epoch (a restarted server) or the first stream: a new session, whose subscribes
      // this stream answers; NotificationService resets what a reconnect cannot prove continuous.
      this.#swallowReset = !!from;
      this.#startSession({ ...welcome, seq: liveFrom });
    }
    // The interest changed while this stream was opening (send() closes only an earlier one).
    if (!sameKeys(this.#interest, this.#streamKeys)) {
      this.#close();
      this.#scheduleReopen();
    }
  }

  #receive(event: MessageEvent): void {
    const result = checkServerFrame(event.data);
    if (!result.ok) return this.#errorSubject.next(runtimeError('malformed_frame', event.data));
    const frame = result.frame;
    const id = /^(.*):(\d+)$/.exec(event.lastEventId);
    if (id && id[1] === this.#position?.epoch)
      this.#position.seq = Math.max(this.#position.seq, Number(id[2]));
    const control = isNotification(frame) ? undefined : frame;
    if (control?.type === 'reset' && this.#swallowReset) {
      this.#swallowReset = false;
      return;
    }
    this.#swallowReset = false;
    if (control?.type === 'error' && control.code === 'forbidden' && control.collections)
      // NotificationService drops these streams without an unsubscribe: stop asking for them.
      for (const [key, want] of this.#interest) {
        if (!control.collections.includes(want.collection)) continue;
        this.#interest.delete(key);
        this.#unanswered.delete(key);
      }
    this.#frames.next(frame);
  }

  /** `subscribed` frames go out after the subscribe that asked returned, as from a server. */
  #answer(collections: string[], ids: RowId[] | undefined, seq: number): void {
    const frame: SubscribedFrame = { type: 'subscribed', collections, ...(ids && { ids }), seq };
    void Promise.resolve().then(() => this.#session && this.#frames.next(frame));
  }

  /** `online`, `pageshow`, visible again: dial now rather than when the backoff says. */
  #wake(): void {
    if (this.#retrying) this.#connect();
  }

  /** The stream failed or ended: reconnect when the policy says so, or stop. */
  #lost(): void {
    const openFor = this.#openedAt ? this.#clock.now() - this.#openedAt : undefined;
    this.#close();
    const visible = this.#document.visibilityState === 'visible';
    const next = this.#policy.lost(NO_SOCKET, undefined, openFor, visible);
    if (next.retry) {
      this.#state.set('reconnecting');
      this.#clock.clearTimeout(this.#timer);
      this.#reopenDue = false;
      this.#retrying = true;
      this.#timer = this.#clock.setTimeout(() => this.#connect(), next.delay);
      return;
    }
    this.#errorSubject.next(runtimeError('reconnect_failed', this.#options.reconnect.maxAttempts));
    this.#stop('closed');
  }

  /** Closes the stream, if any; the session carries on. */
  #close(): void {
    this.#source?.close();
    this.#source = null;
    this.#streamKeys = new Set();
    this.#liveFrom = undefined;
    this.#openedAt = 0;
  }

  #stop(state: ConnectionState): void {
    this.#generation++;
    this.#clock.clearTimeout(this.#timer);
    this.#retrying = this.#reopenDue = false;
    this.#close();
    this.#interest.clear();
    this.#unanswered.clear();
    if (this.#session) {
      this.#session = null;
      this.#sessionSubject.next(null);
    }
    this.#state.set(state);
  }
}

function keyOf(collection: string, ids?: RowId[]): string {
  return ids ? collection + '\n' + JSON.stringify([...new Set(ids)].sort()) : collection;
}

function sameKeys(interest: Map<string, Want>, keys: Set<string>): boolean {
  return interest.size === keys.size && [...keys].every((key) => interest.has(key));
}
