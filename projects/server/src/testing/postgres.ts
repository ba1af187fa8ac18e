/**
 * The real Postgres the specs run against (127.0.0.1:5432 unless TEST_DATABASE_URL says
 * otherwise): one admin connection and a table with the notify trigger, named per run so that
 * parallel runs on one server never hear each other.
 */
import pg from 'pg';
import { installNotifyTrigger } from '../sources/install-notify-trigger.js';

export const TEST_DATABASE_URL =
  process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Unique per process and start: a suffix for tables and channels. */
export const RUN = `${process.pid}_${Date.now().toString(36)}`;

/**
 * An admin connection. Fails (never skips) when Postgres is unreachable: under CI=true a missing
 * database must not pass as green.
 */
export async function connectAdmin(): Promise<pg.Client> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  admin.on('error', () => {}); // a backend terminated by a spec must not crash the runner
  try {
    await admin.connect();
  } catch (e) {
    throw new Error(
      `Postgres at ${TEST_DATABASE_URL} is unreachable (${(e as Error).message}); these specs need it${process.env['CI'] === 'true' ? ' (CI=true)' : ''}`,
    );
  }
  return admin;
}

/** `table (id serial, title text)` whose writes notify `channel` as collection `items`. */
export async function createNotifyTable(
  admin: pg.Client,
  table: string,
  channel: string,
): Promise<void> {
  await admin.query(`CREATE TABLE "${table}" (id serial PRIMARY KEY, title text)`);
  await installNotifyTrigger(admin, { table, collection: 'items', channel });
}

/** Drops the table, its trigger function, and the admin connection. */
export async function dropNotifyTable(admin: pg.Client, table: string): Promise<void> {
  await admin
    .query(
      `DROP TABLE IF EXISTS "${table}"; DROP FUNCTION IF EXISTS "changefeed_notify_${table}"()`,
    )
    .catch(() => {});
  await admin.end().catch(() => {});
}
