import { createDemoApi, type DemoApi } from '../create-demo-api';
import { openPgliteDatabase } from '../db/open-pglite-database';
import { apiClient } from './api-client';
import { faultyDatabase, type FaultyDatabase } from './faulty-database';

export interface TestApi {
  api: DemoApi;
  /** The api's database, with switches to simulate outages. */
  db: FaultyDatabase;
  request: ReturnType<typeof apiClient>;
}

/** A real demo-api on a free port over in-memory PGlite, empty (no seed). Close `api` in teardown. */
export async function startTestApi(options: { staticDir?: string | null } = {}): Promise<TestApi> {
  const db = faultyDatabase(await openPgliteDatabase({ dataDir: null }));
  const api = await createDemoApi({ port: 0, database: db, staticDir: options.staticDir ?? null });
  return { api, db, request: apiClient(api.url) };
}

/** PGlite's first start compiles and initialises Postgres: several seconds on a small machine. */
export const STARTUP_TIMEOUT_MS = 60_000;
