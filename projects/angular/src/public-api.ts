/*
 * Public API Surface of @changefeed/angular
 */
export { provideNotifications } from './lib/provide-notifications';
export type { NotificationsConfig } from './lib/notifications-config';
export { NOTIFICATIONS_DEFAULTS } from './lib/notifications-defaults';
export type { NotificationsDefaults } from './lib/notifications-defaults';
export type { NotificationsFeature } from './lib/notifications-feature';
export { withReconnect } from './lib/with-reconnect';
export type { ReconnectOptions } from './lib/reconnect-options';
export { withHeartbeat } from './lib/with-heartbeat';
export type { HeartbeatOptions } from './lib/heartbeat-options';
export { withWebSocketFactory } from './lib/with-websocket-factory';
export { WEBSOCKET_FACTORY } from './lib/websocket-factory';
export { withEventSource } from './lib/with-event-source';
export type { EventSourceOptions } from './lib/event-source-options';
export { injectNotificationsTransport } from './lib/notifications-transport';
export type { NotificationsTransport } from './lib/notifications-transport';
export type { WebSocketFactory, WebSocketLike } from './lib/websocket-factory';
export { NOTIFICATIONS_CLOCK } from './lib/notifications-clock';
export type { NotificationsClock } from './lib/notifications-clock';
export { NOTIFICATIONS_RANDOM } from './lib/notifications-random';
export type { ConnectionState } from './lib/connection-state';
export type { WebSocketSession } from './lib/websocket-session';
export { WebSocketService } from './lib/websocket.service';
export { NotificationService } from './lib/notification.service';
export { coalesceNotifications } from './lib/coalesce-notifications';
export { liveResource } from './lib/live-resource';
export type {
  LiveInterest,
  LiveResourceOptions,
  LiveResourceRef,
  LiveRows,
} from './lib/live-resource-options';
export { NotificationsError } from './lib/notifications-error';
export { NotificationsErrorCode } from './lib/notifications-error-code';
export type { Notification, RowId } from '@changefeed/protocol';
