import { InjectionToken } from '@angular/core';
import { HeartbeatOptions } from './heartbeat-options';
import { NotificationsConfig } from './notifications-config';
import { ReconnectOptions } from './reconnect-options';

// Production builds define ngDevMode as false: the token's description is for error messages in dev.
declare const ngDevMode: unknown;

/** The config with every default filled in. Internal. */
export type NotificationsOptions = Required<Omit<NotificationsConfig, 'protocols'>> &
  Pick<NotificationsConfig, 'protocols'> & {
    reconnect: Required<ReconnectOptions>;
    heartbeat: Required<HeartbeatOptions> | false;
  };

export const NOTIFICATIONS_OPTIONS = new InjectionToken<NotificationsOptions>(
  typeof ngDevMode === 'undefined' || ngDevMode ? 'changefeed NOTIFICATIONS_OPTIONS' : '',
);
