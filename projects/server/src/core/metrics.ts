import { Counter, Gauge, Registry } from 'prom-client';
import type { LogStats } from '../cluster/shared-log.js';

/** A snapshot of a notifier's counters (since it was created) and gauges (now). */
export interface NotifierMetrics {
  /** Open WebSocket connections (gauge). */
  connections: number;
  /** Open Server-Sent Events streams (gauge). */
  sseConnections: number;
  /** Live (connection, collection) subscriptions, both transports (gauge). */
  subscriptions: number;
  /** Notifications accepted by `notify()` (and from sources): seqs assigned. */
  notifications: number;
  /** Notifications written to a connection, live or replayed. */
  deliveries: number;
  /** Of the deliveries, those sent as a `resume` / Last-Event-ID replay. */
  replayed: number;
  /** Connections closed as slow consumers (1013) or over a buffer bound. */
  drops: number;
  /** `reset` frames / events sent. */
  resets: number;
  /** Resets signalled by sources (e.g. a LISTEN reconnect). */
  sourceResets: number;
  /** Client frames rejected as malformed (`bad_request`) or too big (1009). */
  badFrames: number;
  /** Commands refused with `rate_limited`. */
  rateLimited: number;
  /** Collections refused by `authorize`. */
  forbidden: number;
  /** Connections refused by `authenticate` (4401 / HTTP 401). */
  unauthenticated: number;
  /** Upgrades / SSE requests refused before any stream existed (HTTP 403 / 404 / 400). */
  refused: number;
  /** Errors reported by sources. */
  sourceErrors: number;
  /** The last seq assigned (gauge). */
  head: number;
  /** Notifications held in the replay buffer (gauge). */
  buffered: number;
  /** Cluster mode only: the shared log's counters (`appended`, `dropped`, `pending`, `gaps`, `connected`). */
  log?: LogStats;
}

export type MetricName = Exclude<keyof NotifierMetrics, 'log'>;

/** What the hub reads from its own state when a snapshot is taken, rather than counting. */
type Derived = 'head' | 'buffered';

/** The numbers the hub and the transports bump as things happen. */
export type Counters = Omit<NotifierMetrics, Derived | 'log'>;

const GAUGES: MetricName[] = ['connections', 'sseConnections', 'subscriptions', 'head', 'buffered'];

const HELP: Record<MetricName, string> = {
  connections: 'Open WebSocket connections',
  sseConnections: 'Open Server-Sent Events streams',
  subscriptions: 'Live (connection, collection) subscriptions',
  notifications: 'Notifications accepted (seqs assigned)',
  deliveries: 'Notifications written to connections, live or replayed',
  replayed: 'Notifications replayed on resume',
  drops: 'Connections closed as slow consumers',
  resets: 'Reset frames or events sent',
  sourceResets: 'Resets signalled by change sources',
  badFrames: 'Malformed or oversize client frames',
  rateLimited: 'Commands refused as rate limited',
  forbidden: 'Collections refused by authorize',
  unauthenticated: 'Connections refused by authenticate',
  refused: 'Upgrades or SSE requests refused with an HTTP status',
  sourceErrors: 'Errors reported by change sources',
  head: 'Last sequence number assigned (cluster mode: the last one read from the log)',
  buffered: 'Notifications held in the replay buffer',
};

const DERIVED: readonly MetricName[] = ['head', 'buffered'] satisfies Derived[];

export function createCounters(): Counters {
  const m = {} as Counters;
  for (const key of Object.keys(HELP) as MetricName[])
    if (!DERIVED.includes(key)) m[key as keyof Counters] = 0;
  return m;
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * A prom-client registry of its own (two notifiers in one process must not collide in the global
 * one) whose metrics read `read()` at scrape time, so the hot path only bumps plain numbers.
 */
export function createPrometheusRegistry(read: () => NotifierMetrics): Registry {
  const registry = new Registry();
  for (const key of Object.keys(HELP) as MetricName[]) {
    if (GAUGES.includes(key)) {
      new Gauge({
        name: `changefeed_${snake(key)}`,
        help: HELP[key],
        registers: [registry],
        collect() {
          this.set(read()[key]);
        },
      });
    } else {
      new Counter({
        name: `changefeed_${snake(key)}_total`,
        help: HELP[key],
        registers: [registry],
        collect() {
          // prom-client counters only go up by inc(); rebuild from the plain number at scrape time.
          this.reset();
          this.inc(read()[key]);
        },
      });
    }
  }
  if (read().log) registerLogMetrics(registry, () => read().log!);
  return registry;
}

/** Cluster mode: the shared log's stats (LogStats) as `changefeed_log_*`. */
function registerLogMetrics(registry: Registry, read: () => LogStats): void {
  const counters = {
    appended: 'Notifications this instance appended to the shared log',
    dropped: 'Notifications lost or feared lost before the log (each covered by a reset marker)',
    gaps: 'Breaks in continuity the log tail reported (every client reset)',
  } as const;
  for (const [key, help] of Object.entries(counters) as [keyof typeof counters, string][]) {
    new Counter({
      name: `changefeed_log_${key}_total`,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read()[key]);
      },
    });
  }
  new Gauge({
    name: 'changefeed_log_pending',
    help: 'Notifications waiting to be appended to the shared log',
    registers: [registry],
    collect() {
      this.set(read().pending);
    },
  });
  new Gauge({
    name: 'changefeed_log_connected',
    help: '1 while both Redis connections of the shared log are up, else 0',
    registers: [registry],
    collect() {
      this.set(read().connected ? 1 : 0);
    },
  });
}
