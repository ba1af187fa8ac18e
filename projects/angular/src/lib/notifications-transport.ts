import { inject, Signal, signal } from '@angular/core';
import { WebSocketService } from './websocket.service';

/** Which transport carries the notifications: `withEventSource()` picks, and its `fallback` may switch. */
export type NotificationsTransport = 'websocket' | 'eventsource';

/**
 * The transport in use, as a signal: `'eventsource'` with `withEventSource()`, and after its
 * `fallback` moved off WebSocket; `'websocket'` otherwise. Call in an injection context.
 *
 * @example
 * readonly transport = injectNotificationsTransport();
 * readonly label = computed(() => (this.transport() === 'eventsource' ? 'live (SSE)' : 'live'));
 */
export function injectNotificationsTransport(): Signal<NotificationsTransport> {
  // withEventSource() provides its own service for WebSocketService's token, with this signal.
  const service = inject(WebSocketService) as { transport?: Signal<NotificationsTransport> };
  return service.transport ?? signal<NotificationsTransport>('websocket').asReadonly();
}
