import { EnvironmentProviders, makeEnvironmentProviders, Provider } from '@angular/core';
import { checkNotificationsOptions } from './check-notifications-options';
import { HeartbeatOptions } from './heartbeat-options';
import { NotificationService } from './notification.service';
import { NotificationsConfig } from './notifications-config';
import { NOTIFICATIONS_DEFAULTS } from './notifications-defaults';
import { NotificationsFeature } from './notifications-feature';
import { NOTIFICATIONS_OPTIONS, NotificationsOptions } from './notifications-options';
import { ReconnectOptions } from './reconnect-options';
import { WEBSOCKET_FACTORY, WebSocketFactory } from './websocket-factory';
import { WebSocketService } from './websocket.service';

declare const ngDevMode: unknown;

/**
 * Sets up live notifications for an application. Options left out take `NOTIFICATIONS_DEFAULTS`;
 * in dev mode every option is checked, and two features that contradict each other fail.
 *
 * @example
 * // app.config.ts
 * export const appConfig: ApplicationConfig = {
 *   providers: [provideNotifications({ url: '/ws' }, withReconnect({ maxDelay: 10_000 }), withHeartbeat())],
 * };
 */
export function provideNotifications(
  config: NotificationsConfig,
  ...features: NotificationsFeature[]
): EnvironmentProviders {
  let reconnect: ReconnectOptions | undefined;
  let heartbeat: HeartbeatOptions | false | undefined;
  let factory: WebSocketFactory | undefined;
  for (const feature of features) {
    switch (feature.kind) {
      case 'withReconnect':
        reconnect = feature.value;
        break;
      case 'withHeartbeat':
        heartbeat = feature.value;
        break;
      case 'withWebSocketFactory':
        factory = feature.value;
        break;
    }
  }
  const defaults = NOTIFICATIONS_DEFAULTS;
  const options: NotificationsOptions = {
    ...defaults,
    ...setFields(config),
    url: config?.url,
    reconnect: { ...defaults.reconnect, ...setFields(reconnect) },
    heartbeat: heartbeat !== false && { ...defaults.heartbeat, ...setFields(heartbeat) },
  };
  // Dev mode only: production builds define ngDevMode as false, which drops the checks and their
  // messages. Undefined (tests, JIT) counts as dev.
  if (typeof ngDevMode === 'undefined' || ngDevMode) checkNotificationsOptions(options, features);
  const providers: Provider[] = [
    { provide: NOTIFICATIONS_OPTIONS, useValue: options },
    WebSocketService,
    NotificationService,
  ];
  if (factory) providers.push({ provide: WEBSOCKET_FACTORY, useValue: factory });
  return makeEnvironmentProviders(providers);
}

/** The fields of `options` that are set: `undefined` means the default, as a missing field does. */
function setFields<T extends object>(options: T | undefined): Partial<T> {
  const set: Partial<T> = {};
  for (const key in options) if (options[key] !== undefined) set[key] = options[key];
  return set;
}
