import type { EventSourceFeature } from './event-source-options';
import type { HeartbeatOptions } from './heartbeat-options';
import type { ReconnectOptions } from './reconnect-options';
import type { WebSocketFactory } from './websocket-factory';

/** What each feature of {@link provideNotifications} carries, by the name of the function that makes it. */
export interface FeatureValues {
  withReconnect: ReconnectOptions;
  withHeartbeat: HeartbeatOptions | false;
  withWebSocketFactory: WebSocketFactory;
  withEventSource: EventSourceFeature;
}

/**
 * A feature for {@link provideNotifications}, made by `withReconnect()`, `withHeartbeat()`,
 * `withWebSocketFactory()` or `withEventSource()`: a union told apart by `kind`, so each `value` keeps its type.
 */
export type NotificationsFeature<Kind extends keyof FeatureValues = keyof FeatureValues> = {
  [K in Kind]: { readonly kind: K; readonly value: FeatureValues[K] };
}[Kind];
