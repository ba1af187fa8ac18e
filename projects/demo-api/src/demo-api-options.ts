import type { Database } from './db/database';

/** Where the demo keeps its data: embedded PGlite (default) or a real Postgres. */
export type DatabaseOptions =
  | { kind: 'pglite'; /** `null`: in memory, gone on exit (tests). */ dataDir: string | null }
  | { kind: 'postgres'; connectionString: string };

export interface DemoApiOptions {
  /** TCP port; 0 picks a free one (tests). Default 4200. */
  port?: number;
  /** Interface to bind. Default `127.0.0.1`: the demo is for this machine. */
  host?: string;
  /** Which database to open, or an already open one (tests inject wrappers). */
  database: DatabaseOptions | Database;
  /** The built demo app (`ng build demo` output). `null` serves no static files. */
  staticDir: string | null;
  /** Insert a few example rows into an empty database so a first start has something to show. Default false. */
  seed?: boolean;
  /** Origins allowed to open the WebSocket / SSE stream; default: same origin only (the server's rule). */
  origins?: string[];
  /** The notifier's heartbeat, ms (how soon a silent client is dropped); default the server's. */
  heartbeat?: number;
  /**
   * Cluster mode: `redis://…` of a Redis 7 shared by every instance (one log, one epoch, resumes
   * on any instance); triggers are bridged once by `leaderSource`. Needs a Postgres database.
   */
  redisUrl?: string;
  /** The shared log's key prefix on that Redis (`{prefix}:meta`, `{prefix}:log`). Default `changefeed-demo`. */
  redisPrefix?: string;
}
