import { InjectionToken } from '@angular/core';
import { NotificationsConfig } from './notifications-config';
import { HeartbeatOptions } from './with-heartbeat';
import { ReconnectOptions } from './with-reconnect';

/** The config with every default filled in. Internal. */
export type NotificationsOptions = Required<Omit<NotificationsConfig, 'protocols'>> &
  Pick<NotificationsConfig, 'protocols'> & {
    reconnect: Required<ReconnectOptions>;
    heartbeat: Required<HeartbeatOptions> | false;
  };

export const NOTIFICATIONS_OPTIONS = new InjectionToken<NotificationsOptions>(
  'changefeed NOTIFICATIONS_OPTIONS',
);
