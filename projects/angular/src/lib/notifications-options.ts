import { InjectionToken } from '@angular/core';

// Production builds define ngDevMode as false: the token's description is for error messages in dev.
declare const ngDevMode: unknown;
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
  typeof ngDevMode === 'undefined' || ngDevMode ? 'changefeed NOTIFICATIONS_OPTIONS' : '',
);
