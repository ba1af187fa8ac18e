import {
  computed,
  createEnvironmentInjector,
  DestroyRef,
  EnvironmentInjector,
  inject,
  runInInjectionContext,
  signal,
} from '@angular/core';
import { ClientFrame, ServerFrame } from '@changefeed/protocol';
import { merge, Observable, Subject, Subscriber, Subscription } from 'rxjs';
import { EventSourceService } from './event-source.service';
import { NotificationsError } from './notifications-error';
import type { NotificationsTransport } from './notifications-transport';
import { runtimeError } from './runtime-error';
import { WEBSOCKET_FACTORY, WebSocketFactory, WebSocketLike } from './websocket-factory';
import { WebSocketService } from './websocket.service';
import { WebSocketSession } from './websocket-session';

/**
 * `withEventSource({ fallback: true })`: a `WebSocketService` first, and an `EventSourceService`
 * for good once a WebSocket attempt fails before it opens while none has ever handshaken (a proxy
 * that strips `Upgrade` fails every one). A WebSocket that worked once is not given up on: its
 * later failures are outages, which it rides out as ever. Provided in `WebSocketService`'s place,
 * made with `new` in an injection context (not `@Injectable`, see `EventSourceService`).
 */
export class WebSocketFallback {
  readonly #injector: EnvironmentInjector;
  readonly #ws: WebSocketService;
  readonly #sse = new EventSourceService();
  readonly #transport = signal<NotificationsTransport>('websocket');
  readonly #errorSubject = new Subject<NotificationsError>();
  /** Each consumer of `messages$`, and its subscription to the transport in use. */
  readonly #consumers = new Map<Subscriber<ServerFrame>, Subscription>();
  #handshaken = false;

  /** Which transport is in use. */
  readonly transport = this.#transport.asReadonly();
  /** The state of the transport in use. */
  readonly state = computed(() =>
    (this.#transport() === 'websocket' ? this.#ws.state : this.#sse.state)(),
  );
  readonly errors$: Observable<NotificationsError>;
  readonly sessions$: Observable<WebSocketSession | null>;
  readonly messages$ = new Observable<ServerFrame>((subscriber) => {
    this.#consumers.set(
      subscriber,
      this.#current().messages$.subscribe((f) => subscriber.next(f)),
    );
    return () => {
      this.#consumers.get(subscriber)?.unsubscribe();
      this.#consumers.delete(subscriber);
    };
  });

  constructor() {
    const factory = inject(WEBSOCKET_FACTORY);
    const watched: WebSocketFactory = (url, protocols) =>
      watch(factory(url, protocols), () => this.#failed());
    // The WebSocketService opens its sockets through `watched`, which tells when one never opened.
    this.#injector = createEnvironmentInjector(
      [{ provide: WEBSOCKET_FACTORY, useValue: watched }],
      inject(EnvironmentInjector),
    );
    this.#ws = runInInjectionContext(this.#injector, () => new WebSocketService());
    this.#ws.sessions$.subscribe((session) => session && (this.#handshaken = true));
    this.errors$ = merge(this.#ws.errors$, this.#sse.errors$, this.#errorSubject);
    this.sessions$ = merge(this.#ws.sessions$, this.#sse.sessions$);
    inject(DestroyRef).onDestroy(() => {
      this.#errorSubject.complete();
      this.#injector.destroy();
    });
  }

  send(frame: ClientFrame): void {
    this.#current().send(frame);
  }

  #current(): WebSocketService | EventSourceService {
    return this.#transport() === 'websocket' ? this.#ws : this.#sse;
  }

  #failed(): void {
    if (this.#handshaken || this.#transport() !== 'websocket') return;
    // After the WebSocketService has handled the close (its retry is stopped below).
    void Promise.resolve().then(() => {
      if (this.#handshaken || this.#transport() !== 'websocket') return;
      this.#transport.set('eventsource');
      this.#errorSubject.next(runtimeError('transport_fallback', null));
      // Releasing the last consumer stops the WebSocketService; the stream starts for them all.
      for (const [subscriber, subscription] of this.#consumers) {
        subscription.unsubscribe();
        this.#consumers.set(
          subscriber,
          this.#sse.messages$.subscribe((f) => subscriber.next(f)),
        );
      }
    });
  }
}

/** The socket, with `failed` called when it closes without having opened. */
function watch(socket: WebSocketLike, failed: () => void): WebSocketLike {
  let opened = false;
  return {
    get readyState() {
      return socket.readyState;
    },
    get onopen() {
      return socket.onopen;
    },
    set onopen(handler) {
      socket.onopen = handler && ((event) => ((opened = true), handler(event)));
    },
    get onmessage() {
      return socket.onmessage;
    },
    set onmessage(handler) {
      socket.onmessage = handler;
    },
    get onclose() {
      return socket.onclose;
    },
    set onclose(handler) {
      socket.onclose = handler && ((event) => (handler(event), opened || failed()));
    },
    get onerror() {
      return socket.onerror;
    },
    set onerror(handler) {
      socket.onerror = handler;
    },
    send: (data) => socket.send(data),
    close: (code, reason) => socket.close(code, reason),
  };
}
