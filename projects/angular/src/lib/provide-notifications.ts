import { EnvironmentProviders, makeEnvironmentProviders } from '@angular/core';
import { checkNotificationsOptions } from './check-notifications-options';
import { NotificationService } from './notification.service';
import { NotificationsConfig } from './notifications-config';
import { NOTIFICATIONS_DEFAULTS } from './notifications-defaults';
import { FeatureValues, NotificationsFeature } from './notifications-feature';
import { NOTIFICATIONS_OPTIONS, NotificationsOptions } from './notifications-options';
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
  // Each feature's value by its kind; of two features of one kind the later wins.
  const {
    withReconnect: reconnect,
    withHeartbeat: heartbeat,
  }: Partial<FeatureValues> = Object.fromEntries(features.map((f) => [f.kind, f.value]));
  const options: NotificationsOptions = {
    ...withDefaults(NOTIFICATIONS_DEFAULTS, config),
    url: config?.url,
    reconnect: withDefaults(NOTIFICATIONS_DEFAULTS.reconnect, reconnect),
    heartbeat: heartbeat !== false && withDefaults(NOTIFICATIONS_DEFAULTS.heartbeat, heartbeat),
  };
  // Dev mode only: production builds define ngDevMode as false, which drops the checks and their
  // messages. Undefined (tests, JIT) counts as dev.
  if (typeof ngDevMode === 'undefined' || ngDevMode) checkNotificationsOptions(options, features);
  return makeEnvironmentProviders([
    { provide: NOTIFICATIONS_OPTIONS, useValue: options },
    WebSocketService,
    NotificationService,
    // Last, so a feature's providers take the SDK's place (withEventSource()'s transport, a
    // socket factory); only apps that call a feature ship what it provides.
    features.map((feature) => feature.providers ?? []),
  ]);
}

/** `defaults` with the fields of `given` that are set: `undefined` means the default, as a missing field does. */
function withDefaults<T extends object>(defaults: T, given: Partial<T> | undefined): T {
  const merged = { ...defaults };
  for (const key in given) if (given[key] !== undefined) merged[key] = given[key];
  return merged;
}
