import { NotificationsFeature } from './notifications-feature';

/** Heartbeat options. The ping interval itself is the server's, from `welcome.heartbeat`. */
export interface HeartbeatOptions {
  /** Grace after an unanswered ping before the socket counts as dead, in ms. Default 10000. */
  timeout?: number;
}

/**
 * Tunes or disables (`false`) the heartbeat that detects half-open sockets. On by default; it only
 * runs against servers that sent `welcome` with a non-zero `heartbeat`.
 *
 * @example
 * provideNotifications({ url: '/ws' }, withHeartbeat({ timeout: 5000 }))
 */
export function withHeartbeat(options: HeartbeatOptions | false = {}): NotificationsFeature {
  return { kind: 'withHeartbeat', value: options };
}
