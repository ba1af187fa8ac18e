import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { pgliteSource } from '@changefeed/server';
import type { Database, Queryable } from './database';
import { DatabaseUnavailableError } from './database-unavailable-error';
import { isOutageError } from './is-outage-error';

export interface PgliteDatabaseOptions {
  /** Folder the data is kept in across restarts; `null` keeps everything in memory (tests). */
  dataDir: string | null;
}

function wrap(error: unknown): unknown {
  return isOutageError(error) ? new DatabaseUnavailableError(error) : error;
}

function queryable(target: PGlite | Transaction): Queryable {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      try {
        return (await target.query<Row>(sql, [...params])).rows;
      } catch (error) {
        throw wrap(error);
      }
    },
    async exec(script: string) {
      try {
        await target.exec(script);
      } catch (error) {
        throw wrap(error);
      }
    },
  };
}

/** Opens (creating on first use) the embedded PGlite database, in memory or under `dataDir`. */
export async function openPgliteDatabase(options: PgliteDatabaseOptions): Promise<Database> {
  if (options.dataDir !== null) await mkdir(options.dataDir, { recursive: true });
  const pglite =
    options.dataDir === null ? await PGlite.create() : await PGlite.create(options.dataDir);
  const direct = queryable(pglite);
  return {
    kind: 'pglite',
    description: options.dataDir === null ? 'PGlite in memory' : `PGlite at ${options.dataDir}`,
    query: direct.query,
    exec: direct.exec,
    async transaction(work) {
      try {
        return await pglite.transaction((tx) => work(queryable(tx)));
      } catch (error) {
        throw wrap(error);
      }
    },
    changeSource: (channel) => pgliteSource({ db: pglite, channel }),
    async close() {
      if (!pglite.closed) await pglite.close();
    },
  };
}
