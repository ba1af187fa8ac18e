/** A feature for {@link provideNotifications}, made by `withReconnect()`, `withHeartbeat()`, `withWebSocketFactory()`. */
export interface NotificationsFeature {
  readonly kind: 'withReconnect' | 'withHeartbeat' | 'withWebSocketFactory';
  readonly value: unknown;
}
