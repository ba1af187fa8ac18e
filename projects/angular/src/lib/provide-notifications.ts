import { EnvironmentProviders, makeEnvironmentProviders, Provider } from '@angular/core';
import { NotificationService } from './notification.service';
import { NotificationsConfig } from './notifications-config';
import { NotificationsError } from './notifications-error';
import { NotificationsFeature } from './notifications-feature';
import { NOTIFICATIONS_OPTIONS, NotificationsOptions } from './notifications-options';
import { WEBSOCKET_FACTORY } from './websocket-factory';
import { WebSocketService } from './websocket.service';

// Production builds define ngDevMode as false, so the sentences of errors fold away and only
// their codes ship, as with Angular's own runtime errors. Undefined (tests, JIT) counts as dev.
declare const ngDevMode: unknown;

/**
 * Sets up live notifications for an application.
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
  // Dev mode only: production builds drop the check and its messages.
  if (typeof ngDevMode === 'undefined' || ngDevMode) checkInput(config, features);
  const seen = new Map(features.map((feature) => [feature.kind, feature]));
  const heartbeat = seen.get('withHeartbeat')?.value as
    NotificationsOptions['heartbeat'] | undefined;
  const options: NotificationsOptions = {
    welcomeTimeout: 2000,
    linger: 1000,
    keepAlive: false,
    queueSize: 100,
    ...config,
    reconnect: {
      initialDelay: 500,
      multiplier: 2,
      maxDelay: 30_000,
      stableAfter: 10_000,
      maxAttempts: Infinity,
      ...(seen.get('withReconnect')?.value as object | undefined),
    },
    heartbeat: heartbeat === false ? false : { timeout: 10_000, ...heartbeat },
  };
  const providers: Provider[] = [
    { provide: NOTIFICATIONS_OPTIONS, useValue: options },
    WebSocketService,
    NotificationService,
  ];
  const factory = seen.get('withWebSocketFactory');
  if (factory) providers.push({ provide: WEBSOCKET_FACTORY, useValue: factory.value });
  return makeEnvironmentProviders(providers);
}

function checkInput(config: NotificationsConfig, features: NotificationsFeature[]): void {
  if (typeof config?.url !== 'string' && typeof config?.url !== 'function') {
    throw new NotificationsError(
      'invalid_config',
      'provideNotifications() needs a url: a ws(s) URL or a function returning one.',
    );
  }
  for (const field of ['welcomeTimeout', 'linger', 'queueSize'] as const) {
    const value = config[field];
    if (value !== undefined && !(typeof value === 'number' && value >= 0)) {
      throw new NotificationsError(
        'invalid_config',
        `provideNotifications() option ${field} must be a number ≥ 0 (ms or frames), got ${value}.`,
      );
    }
  }
  // The same feature twice is harmless when identical; with different values one would silently win.
  const seen = new Map<string, NotificationsFeature>();
  for (const feature of features) {
    const earlier = seen.get(feature.kind);
    if (earlier && differ(earlier, feature)) {
      throw new NotificationsError(
        'conflicting_features',
        `${describe(earlier)} and ${describe(feature)} contradict each other; pass only one.`,
      );
    }
    seen.set(feature.kind, feature);
  }
}

function differ(a: NotificationsFeature, b: NotificationsFeature): boolean {
  return typeof a.value === 'function' ? a.value !== b.value : describe(a) !== describe(b);
}

function describe(feature: NotificationsFeature): string {
  const value =
    typeof feature.value === 'function'
      ? feature.value.name || 'factory'
      : JSON.stringify(feature.value);
  return `${feature.kind}(${value})`;
}
