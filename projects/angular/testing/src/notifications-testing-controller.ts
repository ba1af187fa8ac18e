import { Injectable } from '@angular/core';
import { Notification, RowId, WelcomeFrame } from '@changefeed/protocol';
import { FakeClock } from './fake-clock';
import { FakeWebSocket } from './fake-websocket';

/** A subscribe/unsubscribe the client sent that no `expect…()` has claimed yet. */
interface Sent {
  type: 'subscribe' | 'unsubscribe';
  collection: string;
  ids?: RowId[];
}

/**
 * Plays the server in unit tests: accepts the connection, emits notifications, changes the
 * connection state, and checks the subscribe/unsubscribe frames the app sent.
 *
 * @example
 * TestBed.configureTestingModule({ providers: [provideNotificationsTesting()] });
 * const fixture = TestBed.createComponent(ForumList);
 * fixture.detectChanges();
 * const controller = TestBed.inject(NotificationsTestingController);
 * controller.expectSubscribe('forums');
 * controller.emit({ collection: 'forums', op: 'update', id: 7 });
 * controller.verify();
 */
@Injectable()
export class NotificationsTestingController {
  /** The clock the SDK runs on; `tick()` it to fire reconnects, heartbeats and lingers. */
  readonly clock = new FakeClock();
  /** Every socket the SDK opened, oldest first. */
  readonly sockets: FakeWebSocket[] = [];
  /** What the backoff's randomness returns, in [0, 1). */
  random = 0.5;
  /** The `welcome` that `accept()` sends by default. */
  welcome: WelcomeFrame = { type: 'welcome', protocol: 1, epoch: 'test', seq: 0, heartbeat: 0 };
  private readonly unclaimed: Sent[] = [];
  private readonly read = new Map<FakeWebSocket, number>();

  /** The socket the SDK opened last. */
  get socket(): FakeWebSocket | undefined {
    return this.sockets[this.sockets.length - 1];
  }

  /**
   * Opens the current socket and sends `welcome` (or, with `null`, nothing: a plain server, which
   * the SDK recognises at the first notification or after its welcome timeout).
   */
  accept(welcome: Partial<WelcomeFrame> | null = {}): FakeWebSocket {
    const socket = this.socket;
    if (!socket || socket.readyState === 3) {
      throw new Error(
        '@changefeed/angular/testing: no socket is connecting; subscribe to a collection first, or tick the clock past the reconnect delay.',
      );
    }
    if (socket.readyState === 0) {
      socket.open();
      if (welcome) socket.receive({ ...this.welcome, ...welcome });
    }
    return socket;
  }

  /** Delivers a notification, accepting the connection first if needed. */
  emit(notification: Notification): void {
    this.accept().receive(notification);
  }

  /**
   * Drives the connection into a state the way a server or network would: `open` accepts the
   * socket, `reconnecting` drops it (1006), `closed` closes it with 4403, which also reports a
   * `forbidden` error on `errors$`, as a real server's 4403 would.
   */
  setState(state: 'open' | 'reconnecting' | 'closed'): void {
    if (state === 'open') this.accept();
    else this.socket?.drop(state === 'closed' ? 4403 : 1006);
  }

  /**
   * Asserts the app subscribed to these whole collections (and claims those frames); answers
   * `subscribed`, so `isConfirmed()` turns true and a `liveResource()` on them loads. A consumer
   * that subscribed before the connection gets its startup `reset` here, as from a real server.
   */
  expectSubscribe(...collections: string[]): void {
    this.claim('subscribe', collections);
    this.confirm(collections);
  }

  /** Asserts the app subscribed to these rows of one collection (`filterByRow`, a `liveResource()` on rows); answers `subscribed`. */
  expectSubscribeRows(collection: string, ...ids: RowId[]): void {
    // Echoed as the app sent them, as a server does.
    this.confirm([collection], this.claim('subscribe', [collection], ids));
  }

  /** Asserts the app unsubscribed from these whole collections (and claims those frames). */
  expectUnsubscribe(...collections: string[]): void {
    this.claim('unsubscribe', collections);
  }

  /** Asserts the app unsubscribed from these rows of one collection. */
  expectUnsubscribeRows(collection: string, ...ids: RowId[]): void {
    this.claim('unsubscribe', [collection], ids);
  }

  /** Fails if the app sent a subscribe or unsubscribe no `expect…()` claimed. */
  verify(): void {
    this.collect();
    if (this.unclaimed.length) {
      throw new Error(
        `@changefeed/angular/testing: expected no unclaimed frames, sent: ${describe(this.unclaimed)}`,
      );
    }
  }

  /** @internal The WebSocket factory the testing providers install. */
  readonly factory = (url: string, protocols?: string | string[]) => {
    const socket = new FakeWebSocket(url, protocols);
    this.sockets.push(socket);
    return socket;
  };

  /** Claims the frames; returns the ids the last one was sent with. */
  private claim(type: Sent['type'], collections: string[], ids?: RowId[]): RowId[] | undefined {
    if (type === 'subscribe' && this.socket?.readyState === 0) this.accept();
    this.collect();
    const rows = ids && rowsOf(ids);
    let sentIds: RowId[] | undefined;
    const missing = collections.filter((collection) => {
      const at = this.unclaimed.findIndex(
        (sent) =>
          sent.type === type &&
          sent.collection === collection &&
          (sent.ids ? rowsOf(sent.ids) : undefined) === rows,
      );
      if (at >= 0) sentIds = this.unclaimed.splice(at, 1)[0].ids;
      return at < 0;
    });
    if (missing.length) {
      const expected = missing.join(', ') + (ids ? ' ' + JSON.stringify(ids) : '');
      throw new Error(
        `@changefeed/angular/testing: expected ${type} [${expected}], sent: ${describe(this.unclaimed)}`,
      );
    }
    return sentIds;
  }

  private confirm(collections: string[], ids?: RowId[]): void {
    const socket = this.accept();
    if (socket.readyState === 1)
      socket.receive({
        type: 'subscribed',
        collections,
        ...(ids && { ids }),
        seq: this.welcome.seq,
      });
  }

  /** Reads frames the sockets sent since the last look. */
  private collect(): void {
    for (const socket of this.sockets) {
      const frames = socket.frames;
      for (const frame of frames.slice(this.read.get(socket) ?? 0)) {
        if (frame.type !== 'subscribe' && frame.type !== 'unsubscribe') continue;
        for (const collection of frame.collections)
          this.unclaimed.push({ type: frame.type, collection, ids: frame.ids });
      }
      this.read.set(socket, frames.length);
    }
  }
}

/** A row set as a comparable string: order and type do not matter, as on the server ("7" is 7). */
function rowsOf(ids: RowId[]): string {
  return JSON.stringify([...new Set(ids.map(String))].sort());
}

function describe(sent: Sent[]): string {
  return (
    '[' +
    sent
      .map((s) => `${s.type} ${s.collection}${s.ids ? ' ' + JSON.stringify(s.ids) : ''}`)
      .join(', ') +
    ']'
  );
}
