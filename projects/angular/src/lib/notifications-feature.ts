import type { Provider } from '@angular/core';
import type { EventSourceOptions } from './event-source-options';
import type { HeartbeatOptions } from './heartbeat-options';
import type { ReconnectOptions } from './reconnect-options';
import type { WebSocketFactory } from './websocket-factory';

/** What each feature of {@link provideNotifications} carries, by the name of the function that makes it. */
export interface FeatureValues {
  withReconnect: ReconnectOptions;
  withHeartbeat: HeartbeatOptions | false;
  withWebSocketFactory: WebSocketFactory;
  withEventSource: EventSourceOptions;
}

/**
 * A feature for {@link provideNotifications}, made by `withReconnect()`, `withHeartbeat()`,
 * `withWebSocketFactory()` or `withEventSource()`: a union told apart by `kind`, so each `value`
 * keeps its type. `value` is what dev-mode checks and the options read; `providers`, when a
 * feature has them, go in after the SDK's own, so a later feature overrides an earlier one.
 */
export type NotificationsFeature<Kind extends keyof FeatureValues = keyof FeatureValues> = {
  [K in Kind]: {
    readonly kind: K;
    readonly value: FeatureValues[K];
    readonly providers?: Provider[];
  };
}[Kind];
