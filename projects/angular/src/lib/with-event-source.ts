import { inject } from '@angular/core';
import { EventSourceService } from './event-source.service';
import { EVENT_SOURCE_SETTINGS, EventSourceOptions } from './event-source-options';
import { NotificationsFeature } from './notifications-feature';
import { NOTIFICATIONS_OPTIONS } from './notifications-options';
import { WebSocketFallback } from './websocket-fallback';
import { WebSocketService } from './websocket.service';

/**
 * Notifications over Server-Sent Events (`EventSource`) instead of WebSocket, with the same
 * `NotificationService`: the stream is reopened with the new filter when subscriptions change
 * and resumes from the last `<epoch>:<seq>` it saw, so the server replays instead of resetting.
 * With `fallback: true` it starts on WebSocket and moves to Server-Sent Events when WebSocket
 * cannot connect. Apps that do not call it do not ship it.
 *
 * @example
 * provideNotifications({ url: '/events' }, withEventSource())
 * provideNotifications({ url: '/ws' }, withEventSource({ url: '/events', fallback: true }))
 */
export function withEventSource(
  options: EventSourceOptions = {},
): NotificationsFeature<'withEventSource'> {
  return {
    kind: 'withEventSource',
    value: options,
    providers: [
      {
        provide: EVENT_SOURCE_SETTINGS,
        useFactory: () => ({
          url: options.url ?? inject(NOTIFICATIONS_OPTIONS).url,
          withCredentials: !!options.withCredentials,
        }),
      },
      // NotificationService asks for WebSocketService: this answers in its place.
      {
        provide: WebSocketService,
        useFactory: () => (options.fallback ? new WebSocketFallback() : new EventSourceService()),
      },
    ],
  };
}
