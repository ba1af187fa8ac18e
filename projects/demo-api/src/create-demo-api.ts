import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNotifier, leaderSource, redisLog } from '@changefeed/server';
import type { Database } from './db/database';
import { CHANGE_CHANNEL, migrate } from './db/migrate';
import { openPgliteDatabase } from './db/open-pglite-database';
import { openPostgresDatabase } from './db/open-postgres-database';
import type { DatabaseOptions, DemoApiOptions } from './demo-api-options';
import { ApiError } from './http/api-error';
import { answerError } from './http/answer-error';
import { discardUnreadBody } from './http/discard-unread-body';
import { parseRequestTarget } from './http/parse-request-target';
import { Router } from './http/router';
import { serveStatic } from './http/serve-static';
import { addContainerRoutes } from './routes/container-routes';
import { addForumRoutes } from './routes/forum-routes';
import { addHealthRoutes } from './routes/health-routes';
import { seed } from './seed';
import { ContainersStore } from './store/containers-store';
import { ForumsStore } from './store/forums-store';

/**
 * Bounds on slow clients (slowloris): Node answers 408 and closes a connection whose headers
 * take longer than `headersTimeout` or whose whole request (bodies are at most 16 KiB) takes
 * longer than `requestTimeout`, checked every `connectionsCheckingInterval`. Node's defaults
 * (60 s, 300 s, every 30 s) let a few hundred trickling clients hold sockets for minutes.
 * Only receiving the request is bounded: SSE and WebSocket streams live on after it.
 */
export const SERVER_TIMEOUTS = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  connectionsCheckingInterval: 1_000,
} as const;

export interface DemoApi {
  /** e.g. `http://127.0.0.1:4200` */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  readonly db: Database;
  /** Stops accepting, says goodbye to WebSocket clients (1001), closes the database. */
  close(): Promise<void>;
}

/**
 * Where the notifier's changes come from. One instance: its database's LISTEN source. Cluster
 * mode (`redisUrl`): a shared log on Redis and one trigger bridge for all instances, so any
 * instance can serve any client and a write reaches every client once.
 */
function changeFlow(options: DemoApiOptions, db: Database) {
  if (options.redisUrl === undefined) return { sources: [db.changeSource(CHANGE_CHANNEL)] };
  const database = options.database;
  if (isDatabase(database) || database.kind !== 'postgres') {
    throw new TypeError(
      'redisUrl (cluster mode) needs database: { kind: "postgres", connectionString }',
    );
  }
  return {
    cluster: redisLog({ url: options.redisUrl, prefix: options.redisPrefix ?? 'changefeed-demo' }),
    sources: [
      leaderSource({ connectionString: database.connectionString, channel: CHANGE_CHANNEL }),
    ],
  };
}

/**
 * Starts the demo backend: migrates the database, installs the notify triggers, mounts the
 * changefeed notifier (WebSocket `/ws`, SSE `/events`), the REST API under `/api` and the demo app.
 */
export async function createDemoApi(options: DemoApiOptions): Promise<DemoApi> {
  const db = isDatabase(options.database) ? options.database : await openDatabase(options.database);
  try {
    await migrate(db);
    if (options.seed) await seed(db);
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }

  const router = new Router();
  addHealthRoutes(router, db);
  addContainerRoutes(router, new ContainersStore(db));
  addForumRoutes(router, new ForumsStore(db));
  const staticFiles = options.staticDir === null ? null : serveStatic(options.staticDir);

  const server = createServer(SERVER_TIMEOUTS);
  const notifier = createNotifier({
    server,
    path: '/ws',
    ssePath: '/events',
    ...changeFlow(options, db),
    ...(options.origins ? { origins: options.origins } : {}),
    ...(options.heartbeat === undefined ? {} : { heartbeat: options.heartbeat }),
  });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    discardUnreadBody(req, res);
    // Everything a request runs, synchronous or not, ends in this one catch: no request can
    // throw out of the listener and take the process down.
    answer(req, res).catch((error: unknown) => answerError(res, error));
  });
  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The notifier answers its own SSE path first; everything else is ours.
    if (notifier.handleRequest(req, res)) return;
    const url = parseRequestTarget(req.url);
    if (!url) throw new ApiError(400, 'invalid_target', 'the request target is not a path');
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      await router.handle(req, res, url);
    } else if (staticFiles) {
      await staticFiles(req, res, url);
    } else {
      throw ApiError.notFound(url.pathname);
    }
  }

  try {
    await notifier.ready;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 4200, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await notifier.close().catch(() => {});
    await db.close().catch(() => {});
    throw error;
  }

  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    db,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await notifier.close();
        server.closeAllConnections();
        await stopped;
        await db.close();
      })();
      return closing;
    },
  };
}

function isDatabase(value: DatabaseOptions | Database): value is Database {
  return typeof (value as Database).query === 'function';
}

function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.kind === 'pglite'
    ? openPgliteDatabase({ dataDir: options.dataDir })
    : Promise.resolve(openPostgresDatabase({ connectionString: options.connectionString }));
}
