import pg from 'pg';
import { chromium, type Browser } from 'playwright-core';
import * as systemChromium from '../../tools/chromium.cjs';
import { buildDemoIfStale } from '../../e2e/lib/build-demo';
import { freePort } from '../../e2e/lib/free-port';
import { createScratchDatabase } from '../../e2e/lib/postgres';
import { DemoInstance } from './demo-instance';
import { FaultProxy } from './fault-proxy';
import { ViewPage, type View } from './view-page';
import type { Pinned } from './writer';

/**
 * The demo stack under test, every part real: a scratch Postgres database; demo-api on it, its
 * database connections through a proxy (so one of them, the LISTEN connection, can be frozen);
 * Chromium pages on different views of the data, each through a proxy of its own to demo-api
 * (drops, freezes, slowness hit some pages and not others).
 */
export class Stack {
  private constructor(
    /** For checks and faults: a pool, since the pages are checked at once. */
    readonly db: pg.Pool,
    readonly databaseName: string,
    readonly databaseUrl: string,
    readonly instance: DemoInstance,
    readonly dbProxy: FaultProxy,
    readonly browser: Browser,
    readonly pages: ViewPage[],
    readonly pinned: Pinned,
    private readonly dropDatabase: () => Promise<void>,
  ) {}

  static async start(env: Record<string, string>): Promise<Stack> {
    buildDemoIfStale();
    const scratch = await createScratchDatabase();
    const url = new URL(scratch.url);
    const dbProxy = await FaultProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    const throughProxy = new URL(scratch.url);
    throughProxy.hostname = '127.0.0.1';
    throughProxy.port = String(dbProxy.port);
    const instance = new DemoInstance('demo-api', await freePort(), {
      ...env,
      DATABASE_URL: throughProxy.toString(),
      DEMO_SEED: '1',
    });
    await instance.start();
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
      views.map(([name, view]) => ViewPage.open(browser, name, instance.port, view)),
    );
    return new Stack(
      db,
      url.pathname.slice(1),
      scratch.url,
      instance,
      dbProxy,
      browser,
      pages,
      pinned,
      scratch.drop,
    );
  }

  /** The Postgres backend pids of demo-api's LISTEN connection(s) and the client port of each. */
  async listeners(): Promise<{ pid: number; port: number }[]> {
    const { rows } = await this.db.query<{ pid: number; port: number }>(
      `select pid, client_port as port from pg_stat_activity
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
    await this.instance.stop();
    await this.dbProxy.close();
    await this.db.end().catch(() => {});
    await this.dropDatabase();
  }
}
