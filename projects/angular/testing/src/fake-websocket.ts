import { WebSocketLike } from '@changefeed/angular';
import { ClientFrame } from '@changefeed/protocol';

/**
 * A WebSocket a spec drives by hand: `open()`, `receive(frame)`, `drop(code)`. It records what
 * the client sends. The testing kit injects it through `WEBSOCKET_FACTORY`.
 *
 * @example
 * const socket = controller.socket!;
 * socket.open();
 * socket.receive({ type: 'welcome', protocol: 1, epoch: 'e1', seq: 0, heartbeat: 0 });
 * expect(socket.frames).toContain({ type: 'subscribe', collections: ['forums'] });
 */
export class FakeWebSocket implements WebSocketLike {
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  /** Every text frame the client sent, as sent. */
  readonly sent: string[] = [];
  /** Set when the client closed the socket. */
  closedWith?: { code?: number; reason?: string };

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {}

  /** What the client sent, parsed. */
  get frames(): ClientFrame[] {
    return this.sent.map((data) => JSON.parse(data) as ClientFrame);
  }

  send(data: string): void {
    // The browser throws here too; a client that sends on a socket that is not open has a bug.
    if (this.readyState !== 1)
      throw new Error(`FakeWebSocket: send() while readyState is ${this.readyState}`);
    this.sent.push(data);
  }

  /** Client-initiated close. Like a browser, it fires no close event synchronously; the SDK never waits for one. */
  close(code?: number, reason?: string): void {
    this.readyState = 3;
    this.closedWith = { code, reason };
  }

  /** The server accepted the connection. */
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  /** The server sent a frame: an object is JSON-encoded, a string goes as is (for malformed frames). */
  receive(frame: object | string): void {
    const data = typeof frame === 'string' ? frame : JSON.stringify(frame);
    this.onmessage?.(new MessageEvent('message', { data }));
  }

  /** The connection ended from the server's side or the network's (1006: no close frame). */
  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.(new CloseEvent('close', { code, reason, wasClean: code !== 1006 }));
  }
}
