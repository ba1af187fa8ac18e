import { DOCUMENT, isPlatformBrowser } from '@angular/common';
import { DestroyRef, inject, Injectable, NgZone, PLATFORM_ID, signal } from '@angular/core';
import {
  checkServerFrame,
  ClientFrame,
  ClientCloseCode,
  encodeFrame,
  isNotification,
  ServerFrame,
  WelcomeFrame,
} from '@changefeed/protocol';
import { EMPTY, Observable, Subject } from 'rxjs';
import { ConnectionState } from './connection-state';
import type { HeartbeatOptions } from './heartbeat-options';
import { NOTIFICATIONS_CLOCK } from './notifications-clock';
import { NotificationsError } from './notifications-error';
import { NOTIFICATIONS_OPTIONS } from './notifications-options';
import { NOTIFICATIONS_RANDOM } from './notifications-random';
import { onWake } from './on-wake';
import { NO_SOCKET, ReconnectPolicy } from './reconnect-policy';
import { resolveUrl } from './resolve-url';
import { runtimeError } from './runtime-error';
import { socketUrl } from './socket-url';
import { WEBSOCKET_FACTORY, WebSocketLike } from './websocket-factory';
import { WebSocketSession } from './websocket-session';

/**
 * One reconnecting WebSocket for the app: backoff with full jitter, heartbeat, close-code policy,
 * a bounded outgoing queue. Lazy: it connects on the first `messages$` subscriber and closes after
 * the last one (unless `keepAlive`). Inert on the server platform. Socket and timers run outside
 * the Angular zone; consumers decide what to render, so no message triggers change detection.
 *
 * @example
 * const ws = inject(WebSocketService);
 * ws.messages$.pipe(takeUntilDestroyed()).subscribe((frame) => console.log(frame));
 * readonly badge = computed(() => ws.state() === 'open' ? 'live' : 'offline');
 */
@Injectable()
export class WebSocketService {
  readonly #options = inject(NOTIFICATIONS_OPTIONS);
  readonly #factory = inject(WEBSOCKET_FACTORY);
  readonly #clock = inject(NOTIFICATIONS_CLOCK);
  readonly #policy = new ReconnectPolicy(this.#options.reconnect, inject(NOTIFICATIONS_RANDOM));
  readonly #zone = inject(NgZone);
  readonly #document = inject(DOCUMENT);
  readonly #browser = isPlatformBrowser(inject(PLATFORM_ID));

  readonly #state = signal<ConnectionState>(this.#browser ? 'idle' : 'closed');
  readonly #frames = new Subject<ServerFrame>();
  readonly #errorSubject = new Subject<NotificationsError>();
  readonly #sessionSubject = new Subject<WebSocketSession | null>();

  /**
   * The connection state, for templates and `computed()`; `toObservable(state)` for RxJS. A signal
   * holds the latest state, not every step: `sessions$` marks each connection's start and end.
   */
  readonly state = this.#state.asReadonly();
  /** Asynchronous failures: malformed frames, close 4401/4403, dropped frames, given up. */
  readonly errors$: Observable<NotificationsError> = this.#errorSubject.asObservable();
  /** A session after each handshake (`welcome`, or detection of a plain server), `null` when it ends. */
  readonly sessions$: Observable<WebSocketSession | null> = this.#sessionSubject.asObservable();
  /** Every valid frame the server sends. Subscribing makes you a consumer of the connection. */
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

  #socket?: WebSocketLike | null;
  #session?: WebSocketSession | null;
  /** Sockets opened so far: a session on any but the first may have a gap to make up for, even if the one before dropped before its handshake. */
  #opened = 0;
  #consumers = 0;
  /** Bumped on every connect and stop, so a late url Promise cannot open a stale socket. */
  #generation = 0;
  /** When the socket opened; 0 while none is open. */
  #openedAt = 0;
  #lastFrameAt = 0;
  /** When the unanswered ping went out; 0 when none is outstanding. */
  #pingAt = 0;
  #heartbeat = 0;
  /**
   * The one pending timer: the retry while there is no socket, the welcome timeout until the
   * handshake, the heartbeat after it. Those phases never overlap, so one handle is enough.
   */
  #timer: unknown;
  readonly #queue: string[] = [];

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
   * Sends a frame now when handshaken, otherwise keeps it in a bounded queue (oldest dropped first,
   * reported on `errors$`) that is flushed after the next handshake.
   */
  send(frame: ClientFrame): void {
    if (!this.#browser) return;
    const data = encodeFrame(frame);
    if (this.#socket && this.#session) return this.#socket.send(data);
    // One frame in at a time, so at most one out: the oldest.
    if (this.#queue.push(data) > this.#options.queueSize) {
      this.#queue.shift();
      this.#errorSubject.next(runtimeError('queue_overflow', null));
    }
  }

  /** The first consumer connects. */
  #retain(): void {
    if (++this.#consumers === 1 && this.#state() === 'idle') this.#connect();
  }

  /** The last consumer closes the socket, unless keepAlive. */
  #release(): void {
    if (--this.#consumers === 0 && !this.#options.keepAlive && this.#state() !== 'closed')
      this.#stop('idle');
  }

  #connect(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#state.set(this.#opened ? 'reconnecting' : 'connecting');
    // No attempt can succeed offline; the `online` event dials again.
    if (navigator.onLine === false) return;
    const generation = ++this.#generation;
    // A late answer of an earlier attempt's url Promise must not open a second socket.
    const current = () => generation === this.#generation;
    this.#zone.runOutsideAngular(() =>
      resolveUrl(
        this.#options.url,
        (url) => current() && this.#open(url),
        (error) => current() && this.#urlFailed(error),
      ),
    );
  }

  #urlFailed(error: unknown): void {
    this.#errorSubject.next(runtimeError('url_failed', error));
    this.#lost(NO_SOCKET);
  }

  #open(url: string): void {
    const socket = (this.#socket = this.#factory(
      socketUrl(url, this.#document.baseURI),
      this.#options.protocols,
    ));
    // A dial is held to the heartbeat's timeout, as a ping is: one stuck before its handshake (a
    // proxy that accepts and never answers, a SYN lost to a sleeping network) is given up and
    // retried, instead of leaving the page "reconnecting" for minutes. onopen replaces the timer.
    const { heartbeat } = this.#options;
    if (heartbeat) this.#scheduleBeat(heartbeat.timeout);
    socket.onopen = () => {
      this.#openedAt = this.#lastFrameAt = this.#clock.now();
      this.#opened++;
      this.#state.set('open');
      this.#schedule(() => this.#handshake(null), this.#options.welcomeTimeout);
    };
    socket.onmessage = (event) => this.#receive(event.data);
    socket.onclose = (event) => this.#lost(event.code, event.reason);
    // No onerror: a close event with the code always follows an error event, and says more.
  }

  #receive(data: unknown): void {
    this.#lastFrameAt = this.#clock.now();
    this.#pingAt = 0;
    // The lean check carries the rules but not their sentences (runtimeError words them in dev).
    const result = checkServerFrame(data);
    if (!result.ok) return this.#errorSubject.next(runtimeError('malformed_frame', data));
    const frame = result.frame;
    if (!this.#session) {
      // A notification before any welcome: a plain broadcast server, which sends none.
      if (isNotification(frame)) this.#handshake(null);
      else if (frame.type === 'welcome') this.#handshake(frame);
    }
    this.#frames.next(frame);
  }

  #handshake(welcome: WelcomeFrame | null): void {
    this.#clock.clearTimeout(this.#timer);
    this.#session = { welcome, reconnect: this.#opened > 1 };
    // Never ping a plain server: it would not understand, and may close on unknown frames.
    this.#heartbeat = welcome && this.#options.heartbeat ? welcome.heartbeat : 0;
    this.#sessionSubject.next(this.#session);
    for (const data of this.#queue.splice(0)) this.#socket!.send(data);
    if (this.#heartbeat) this.#scheduleBeat(this.#heartbeat);
  }

  #scheduleBeat(ms: number): void {
    this.#schedule(() => this.#beat(), ms);
  }

  #schedule(callback: () => void, ms: number): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = this.#clock.setTimeout(callback, ms);
  }

  /**
   * Decides from wall-clock times, not from how many timers fired: a hidden tab's timers may run
   * minutes late, and a late timer must lead to a ping, not to killing a healthy socket.
   */
  #beat(): void {
    const now = this.#clock.now();
    // Only scheduled with a heartbeat configured (#open, #handshake).
    const { timeout } = this.#options.heartbeat as Required<HeartbeatOptions>;
    // Due: the unanswered ping's deadline, or else the end of the idle time allowed.
    const left =
      (this.#pingAt ? this.#pingAt + timeout : this.#lastFrameAt + this.#heartbeat) - now;
    if (left > 0) return this.#scheduleBeat(left);
    // A dial has no session: its one beat falls due when it fires (no heartbeat yet, so `left` ≤ 0).
    if (this.#pingAt || !this.#session) {
      // The code says it all (4000, docs/protocol.md): no reason needed. Closing a socket still
      // connecting fails its handshake, as the standard says. Its close event comes later, and
      // #lost has detached from it by then.
      this.#socket!.close(ClientCloseCode.HeartbeatTimeout);
      return this.#lost(ClientCloseCode.HeartbeatTimeout);
    }
    this.#pingAt = now;
    this.#socket!.send(encodeFrame({ type: 'ping' }));
    this.#scheduleBeat(timeout);
  }

  /**
   * `online`, `pageshow`, visible again: dial at once if dead, check at once if silent, rather
   * than when the throttled timer gets round to it — an unanswered ping past its deadline
   * reconnects, a socket silent past the heartbeat is pinged, a lively one is left alone.
   */
  #wake(): void {
    if (this.#socket) return void (this.#heartbeat && this.#beat());
    // No socket: dial now if waiting to (re)connect; not when idle or closed.
    if (this.#state().endsWith('connecting')) this.#connect();
  }

  /** The socket closed, or the attempt got none: reconnect when the policy says so, or stop. */
  #lost(code: number, reason?: string): void {
    const openFor = this.#openedAt ? this.#clock.now() - this.#openedAt : undefined;
    this.#detach();
    if (code === ClientCloseCode.Unauthenticated)
      this.#errorSubject.next(runtimeError('unauthenticated', null));
    const visible = this.#document.visibilityState === 'visible';
    const next = this.#policy.lost(code, reason, openFor, visible);
    if (next.retry) {
      this.#state.set('reconnecting');
      return this.#schedule(() => this.#connect(), next.delay);
    }
    this.#errorSubject.next(
      runtimeError(
        next.reason,
        next.reason === 'forbidden' ? null : this.#options.reconnect.maxAttempts,
      ),
    );
    this.#state.set('closed');
  }

  /** Forgets the socket without reacting to its close event, and ends the session. */
  #detach(): void {
    this.#clock.clearTimeout(this.#timer);
    const socket = this.#socket;
    this.#socket = null;
    this.#openedAt = this.#pingAt = this.#heartbeat = 0;
    if (socket) socket.onopen = socket.onmessage = socket.onclose = null;
    if (this.#session) {
      this.#session = null;
      this.#sessionSubject.next(null);
    }
  }

  #stop(state: ConnectionState): void {
    this.#generation++;
    const socket = this.#socket;
    this.#detach();
    socket?.close(ClientCloseCode.Normal);
    this.#state.set(state);
  }
}
