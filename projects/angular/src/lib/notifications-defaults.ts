import type { HeartbeatOptions } from './heartbeat-options';
import type { NotificationsConfig } from './notifications-config';
import type { ReconnectOptions } from './reconnect-options';

/** The options `provideNotifications()` fills in, every one with its value. */
export interface NotificationsDefaults extends Required<
  Pick<NotificationsConfig, 'welcomeTimeout' | 'linger' | 'keepAlive' | 'queueSize'>
> {
  readonly reconnect: Readonly<Required<ReconnectOptions>>;
  readonly heartbeat: Readonly<Required<HeartbeatOptions>>;
}

/**
 * The value of every option an app leaves out (or sets to `undefined`), in one place: what
 * `provideNotifications()` merges under the app's config and features, what the README's tables
 * show, and the reconnect policy the bench's fleet runs.
 */
export const NOTIFICATIONS_DEFAULTS: Readonly<NotificationsDefaults> = {
  welcomeTimeout: 2000,
  linger: 1000,
  keepAlive: false,
  queueSize: 100,
  reconnect: {
    initialDelay: 500,
    multiplier: 2,
    maxDelay: 30_000,
    visibleMaxDelay: 4_000,
    stableAfter: 10_000,
    maxAttempts: Infinity,
  },
  heartbeat: { timeout: 10_000 },
};
