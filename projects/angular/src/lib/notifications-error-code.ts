/** The `code` of every {@link NotificationsError}. */
export const NotificationsErrorCode = {
  /** A frame that is not valid protocol v1; the stream carries on. */
  MalformedFrame: 'malformed_frame',
  /** The server sent an `error` frame that names no collection. */
  ServerError: 'server_error',
  /** The server refused a collection (error frame `forbidden`) or closed with 4403. */
  Forbidden: 'forbidden',
  /** The server closed with 4401; the url function is asked again before the next attempt. */
  Unauthenticated: 'unauthenticated',
  /** `withReconnect({ maxAttempts })` attempts failed in a row; the service stopped. */
  ReconnectFailed: 'reconnect_failed',
  /** The `url` function threw or rejected. */
  UrlFailed: 'url_failed',
  /** The outgoing queue was full while disconnected; the oldest frames were dropped. */
  QueueOverflow: 'queue_overflow',
  /** `withEventSource({ fallback: true })`: WebSocket could not connect; Server-Sent Events carry on. */
  TransportFallback: 'transport_fallback',
  /** `provideNotifications()` got an option it cannot use (dev mode only). */
  InvalidConfig: 'invalid_config',
  /** Two features given to `provideNotifications` contradict each other. */
  ConflictingFeatures: 'conflicting_features',
} as const;

export type NotificationsErrorCode =
  (typeof NotificationsErrorCode)[keyof typeof NotificationsErrorCode];
