import { InjectionToken } from '@angular/core';

// Production builds define ngDevMode as false: the token's description is for error messages in dev.
declare const ngDevMode: unknown;

/** The part of the browser's `WebSocket` the SDK uses; a fake only needs this much. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Opens a socket. Replace it with `withWebSocketFactory()` or in tests. */
export type WebSocketFactory = (url: string, protocols?: string | string[]) => WebSocketLike;

/**
 * The factory `WebSocketService` opens sockets with. Defaults to the browser's `WebSocket`.
 * The testing kit provides one that returns `FakeWebSocket`s.
 */
export const WEBSOCKET_FACTORY = new InjectionToken<WebSocketFactory>(
  typeof ngDevMode === 'undefined' || ngDevMode ? 'changefeed WEBSOCKET_FACTORY' : '',
  {
    providedIn: 'root',
    factory: () => (url, protocols) => new WebSocket(url, protocols),
  },
);
