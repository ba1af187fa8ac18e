import type { ResolvedOptions } from '../options.js';
import type { Hub } from './hub.js';
import type { Counters } from './metrics.js';

/** What a transport (WebSocket, SSE) gets from its notifier: the hub, the options, the counters. */
export interface HubContext {
  hub: Hub;
  options: ResolvedOptions;
  metrics: Counters;
}
