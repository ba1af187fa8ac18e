import { NotificationsFeature } from './notifications-feature';
import { WEBSOCKET_FACTORY, WebSocketFactory } from './websocket-factory';

/**
 * Opens sockets with your own factory (a polyfill, a wrapper that logs, a fake).
 *
 * @example
 * provideNotifications({ url: '/ws' }, withWebSocketFactory((url) => new WebSocket(url)))
 */
export function withWebSocketFactory(
  factory: WebSocketFactory,
): NotificationsFeature<'withWebSocketFactory'> {
  return {
    kind: 'withWebSocketFactory',
    value: factory,
    providers: [{ provide: WEBSOCKET_FACTORY, useValue: factory }],
  };
}
