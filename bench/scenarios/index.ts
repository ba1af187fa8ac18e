import type { Scenario } from '../lib/scenario.ts';
import { fanout } from './fanout.ts';
import { handler } from './handler.ts';
import { commitToBrowserScenario } from './commit-to-browser.ts';
import { connections } from './connections.ts';
import { reconnectStorm } from './reconnect-storm.ts';
import { client } from './client.ts';
import { cluster } from './cluster.ts';
import { chaos } from './chaos.ts';

/** In the order `npm run bench` runs them. */
export const scenarios: Scenario[] = [fanout, handler, commitToBrowserScenario, connections, reconnectStorm, client, cluster, chaos];
