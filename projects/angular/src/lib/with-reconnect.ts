import { NotificationsFeature } from './notifications-feature';
import { ReconnectOptions } from './reconnect-options';

/**
 * Tunes reconnection. Without it the defaults apply (`NOTIFICATIONS_DEFAULTS.reconnect`).
 *
 * @example
 * provideNotifications({ url: '/ws' }, withReconnect({ maxDelay: 10_000 }))
 */
export function withReconnect(
  options: ReconnectOptions = {},
): NotificationsFeature<'withReconnect'> {
  return { kind: 'withReconnect', value: options };
}
