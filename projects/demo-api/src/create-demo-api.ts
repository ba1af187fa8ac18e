import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNotifier } from '@changefeed/server';
import type { Database } from './db/database';
import { DatabaseUnavailableError } from './db/database-unavailable-error';
import { CHANGE_CHANNEL, migrate } from './db/migrate';
import { openPgliteDatabase } from './db/open-pglite-database';
import { openPostgresDatabase } from './db/open-postgres-database';
import type { DatabaseOptions, DemoApiOptions } from './demo-api-options';
import { ApiError } from './http/api-error';
import { Router } from './http/router';
import { sendJson } from './http/send-json';
import { serveStatic } from './http/serve-static';
import { addContainerRoutes } from './routes/container-routes';
import { addForumRoutes } from './routes/forum-routes';
import { addHealthRoutes } from './routes/health-routes';
import { seed } from './seed';
import { ContainersStore } from './store/containers-store';
import { ForumsStore } from './store/forums-store';

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

  const server = createServer();
  const notifier = createNotifier({
    server,
    path: '/ws',
    ssePath: '/events',
    sources: [db.changeSource(CHANGE_CHANNEL)],
    ...(options.origins ? { origins: options.origins } : {}),
    ...(options.heartbeat === undefined ? {} : { heartbeat: options.heartbeat }),
  });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    // The notifier answers its own SSE path first; everything else is ours.
    if (notifier.handleRequest(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const work =
      url.pathname === '/api' || url.pathname.startsWith('/api/')
        ? router.handle(req, res, url)
        : staticFiles
          ? staticFiles(req, res, url)
          : Promise.reject(ApiError.notFound(url.pathname));
    work.catch((error: unknown) => answerError(res, error));
  });

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

/** Maps any failure to a JSON error; unexpected ones are logged and answered 500 without details. */
function answerError(res: ServerResponse, error: unknown): void {
  const apiError =
    error instanceof ApiError
      ? error
      : error instanceof DatabaseUnavailableError
        ? new ApiError(
            503,
            'database_unavailable',
            'the database is unavailable, try again shortly',
          )
        : null;
  if (!apiError) console.error('demo-api: unexpected error', error);
  const answer = apiError ?? new ApiError(500, 'internal', 'internal error');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const allow = answer.details?.['allow'];
  sendJson(res, answer.status, answer, {
    ...(Array.isArray(allow) ? { allow: allow.join(', ') } : {}),
    ...(answer.status === 503 ? { 'retry-after': '1' } : {}),
  });
}
