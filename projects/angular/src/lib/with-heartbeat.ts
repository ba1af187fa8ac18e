import { HeartbeatOptions } from './heartbeat-options';
import { NotificationsFeature } from './notifications-feature';

/**
 * Tunes or disables (`false`) the heartbeat that detects half-open sockets. On by default; it only
 * runs against servers that sent `welcome` with a non-zero `heartbeat`.
 *
 * @example
 * provideNotifications({ url: '/ws' }, withHeartbeat({ timeout: 5000 }))
 */
export function withHeartbeat(
  options: HeartbeatOptions | false = {},
): NotificationsFeature<'withHeartbeat'> {
  return { kind: 'withHeartbeat', value: options };
}
