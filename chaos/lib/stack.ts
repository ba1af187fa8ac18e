import pg from 'pg';
import { chromium, type Browser } from 'playwright-core';
import * as systemChromium from '../../tools/chromium.cjs';
import { buildDemoIfStale } from '../../e2e/lib/build-demo';
import { freePort } from '../../e2e/lib/free-port';
import { createScratchDatabase } from '../../e2e/lib/postgres';
import { DemoInstance } from './demo-instance';
import { FaultProxy } from './fault-proxy';
import { CHAOS_REDIS_URL, RedisKeys } from './redis-keys';
import { RoundRobinProxy } from './round-robin-proxy';
import { ViewPage, type View } from './view-page';
import type { Pinned } from './writer';

/**
 * The demo stack under test, every part real: a scratch Postgres database; demo-api on it, its
 * database connections through a proxy (so one of them, the LISTEN connection, can be frozen);
 * Chromium pages on different views of the data, each through a proxy of its own to demo-api
 * (drops, freezes, slowness hit some pages and not others).
 *
 * Cluster mode (`instances` ≥ 2): that many demo-api instances on the one database, sharing a log
 * on Redis under a prefix of the run's own, each reaching Redis through a proxy of its own (cut
 * off one instance or all); the pages' proxies lead to a round-robin proxy that spreads their
 * connections over the instances up, as a load balancer would.
 */
export class Stack {
  /** Instances killed for good this schedule (`gone`): started again by reviveGone(). */
  readonly gone = new Set<number>();

  private constructor(
    /** For checks and faults: a pool, since the pages are checked at once. */
    readonly db: pg.Pool,
    readonly databaseName: string,
    readonly databaseUrl: string,
    readonly instances: DemoInstance[],
    /** Where pages and the writer's API calls go: the instance, or the cluster's round robin. */
    readonly entryPort: number,
    readonly dbProxy: FaultProxy,
    /** Cluster: each instance's way to Redis, by instance index; empty for one instance. */
    readonly redisProxies: FaultProxy[],
    private readonly redis: RedisKeys | null,
    private readonly roundRobin: RoundRobinProxy | null,
    readonly browser: Browser,
    readonly pages: ViewPage[],
    readonly pinned: Pinned,
    private readonly dropDatabase: () => Promise<void>,
  ) {}

  get cluster(): boolean {
    return this.redis !== null;
  }

  /**
   * `instances`: 0 for one instance as before (LISTEN on its own connection), 2 or more for a
   * cluster whose shared log lives under `redisPrefix`.
   */
  static async start(
    env: Record<string, string>,
    cluster: { instances: number; redisPrefix: string } | null = null,
  ): Promise<Stack> {
    buildDemoIfStale();
    const scratch = await createScratchDatabase();
    const url = new URL(scratch.url);
    const dbProxy = await FaultProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    const throughProxy = new URL(scratch.url);
    throughProxy.hostname = '127.0.0.1';
    throughProxy.port = String(dbProxy.port);
    const redis = cluster ? await RedisKeys.open(CHAOS_REDIS_URL, cluster.redisPrefix) : null;
    // Left over from a run of the same pid and seed that was killed before it cleaned up.
    await redis?.deleteAll();
    const redisUrl = new URL(CHAOS_REDIS_URL);
    const redisProxies = cluster
      ? await Promise.all(
          Array.from({ length: cluster.instances }, () =>
            FaultProxy.start({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) }),
          ),
        )
      : [];
    const instances: DemoInstance[] = [];
    for (let i = 0; i < Math.max(1, cluster?.instances ?? 1); i++) {
      const viaProxy = new URL(CHAOS_REDIS_URL);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(redisProxies[i]?.port);
      instances.push(
        new DemoInstance(cluster ? `demo-api ${i}` : 'demo-api', await freePort(), {
          ...env,
          DATABASE_URL: throughProxy.toString(),
          DEMO_SEED: '1',
          ...(cluster
            ? { REDIS_URL: viaProxy.toString(), DEMO_REDIS_PREFIX: cluster.redisPrefix }
            : {}),
        }),
      );
    }
    // The first alone: it migrates and seeds; the others find the schema there.
    await instances[0]!.start();
    await Promise.all(instances.slice(1).map((instance) => instance.start()));
    const roundRobin = cluster ? await RoundRobinProxy.start(instances.map((i) => i.port)) : null;
    const entryPort = roundRobin?.port ?? instances[0]!.port;
    const db = new pg.Pool({ connectionString: scratch.url, max: 4 });
    db.on('error', () => {});
    const containers = (
      await db.query<{ id: number }>('select id from containers order by id')
    ).rows.map((r) => r.id);
    const forum = (
      await db.query<{ id: number }>(
        'select min(id) as id from forums where container_id = any($1)',
        [containers.slice(0, 2)],
      )
    ).rows[0]!.id;
    const pinned: Pinned = { containers: containers.slice(0, 2), forum };
    const browser = await chromium.launch({
      executablePath: systemChromium.executablePath,
      args: [...systemChromium.flags],
    });
    const views: [string, View][] = [
      ['all', { kind: 'all' }],
      [
        `container ${pinned.containers[0]}`,
        { kind: 'container', containerId: pinned.containers[0]! },
      ],
      [`forum ${forum}`, { kind: 'forum', forumId: forum }],
    ];
    const pages = await Promise.all(
      views.map(([name, view]) => ViewPage.open(browser, name, entryPort, view)),
    );
    return new Stack(
      db,
      url.pathname.slice(1),
      scratch.url,
      instances,
      entryPort,
      dbProxy,
      redisProxies,
      redis,
      roundRobin,
      browser,
      pages,
      pinned,
      scratch.drop,
    );
  }

  /** Starts the instances that a `gone` took, for the next schedule. */
  async reviveGone(): Promise<void> {
    await Promise.all([...this.gone].map((i) => this.instances[i]!.start()));
    this.gone.clear();
  }

  /** `redis-flush`: the run's log keys deleted, as Redis restarted without persistence would. */
  async flushRedis(): Promise<number> {
    return (await this.redis?.deleteAll()) ?? 0;
  }

  /**
   * The Postgres backend pid and client port of each connection that LISTENs for the triggers:
   * demo-api's listener, or in a cluster the leader's bridge, the one session holding the
   * leaderSource advisory lock (the standbys' sessions only try it).
   */
  async listeners(): Promise<{ pid: number; port: number }[]> {
    const { rows } = await this.db.query<{ pid: number; port: number }>(
      this.cluster
        ? `select a.pid, a.client_port as port from pg_stat_activity a
             join pg_locks l on l.pid = a.pid and l.locktype = 'advisory' and l.granted
            where a.datname = $1 and a.application_name = 'changefeed-bridge'`
        : `select pid, client_port as port from pg_stat_activity
            where datname = $1 and application_name = 'changefeed-listener'`,
      [this.databaseName],
    );
    return rows;
  }

  /** Connections of the writer's own, apart from the checks' one. */
  writerPool(): pg.Pool {
    const pool = new pg.Pool({ connectionString: this.databaseUrl, max: 3 });
    pool.on('error', () => {}); // an idle client's server went away: the pool replaces it
    return pool;
  }

  async stop(): Promise<void> {
    for (const page of this.pages) await page.close();
    await this.browser.close().catch(() => {});
    await Promise.all(this.instances.map((instance) => instance.stop()));
    await this.roundRobin?.close();
    for (const proxy of this.redisProxies) await proxy.close();
    await this.dbProxy.close();
    if (this.redis) {
      // The run's log keys only: Redis is shared.
      await this.redis.deleteAll().catch(() => {});
      await this.redis.close();
    }
    await this.db.end().catch(() => {});
    await this.dropDatabase();
  }
}
