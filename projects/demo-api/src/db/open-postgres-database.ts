import pg from 'pg';
import { postgresSource } from '@changefeed/server';
import type { Database, Queryable } from './database';
import { DatabaseUnavailableError } from './database-unavailable-error';
import { isOutageError } from './is-outage-error';

export interface PostgresDatabaseOptions {
  /** A libpq-style URL, e.g. `postgres://postgres@127.0.0.1:5432/test`. */
  connectionString: string;
  /** How long a request waits for a connection before answering 503, in ms. Default 2000. */
  connectTimeoutMs?: number;
}

function wrap(error: unknown): unknown {
  return isOutageError(error) ? new DatabaseUnavailableError(error) : error;
}

function queryable(target: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      try {
        return (await target.query(sql, [...params])).rows as Row[];
      } catch (error) {
        throw wrap(error);
      }
    },
    async exec(script: string) {
      try {
        // Without parameters pg uses the simple query protocol, which accepts several statements.
        await target.query(script);
      } catch (error) {
        throw wrap(error);
      }
    },
  };
}

/** The URL with its password masked, for logs. */
export function redactConnectionString(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'postgres (unparsable DATABASE_URL)';
  }
}

/** Connects a pool to a real Postgres. The pool is lazy: an unreachable server fails the first query. */
export function openPostgresDatabase(options: PostgresDatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2000,
    max: 10,
  });
  // An idle client whose server went away emits 'error' on the pool; without a listener that
  // would crash the process instead of failing the next request with 503.
  pool.on('error', () => {});
  const direct = queryable(pool);
  return {
    kind: 'postgres',
    description: `Postgres at ${redactConnectionString(options.connectionString)}`,
    query: direct.query,
    exec: direct.exec,
    async transaction(work) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw wrap(error);
      }
      let broken = false;
      try {
        await client.query('begin');
        const result = await work(queryable(client));
        await client.query('commit');
        return result;
      } catch (error) {
        broken = isOutageError(error) || error instanceof DatabaseUnavailableError;
        if (!broken) await client.query('rollback').catch(() => (broken = true));
        throw wrap(error);
      } finally {
        // A client whose connection died must not go back into the pool.
        client.release(broken);
      }
    },
    changeSource: (channel) =>
      postgresSource({ connectionString: options.connectionString, channel }),
    async close() {
      await pool.end();
    },
  };
}
