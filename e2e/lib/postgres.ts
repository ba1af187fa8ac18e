import pg from 'pg';

/** The machine's Postgres (trust auth). Override with TEST_DATABASE_URL. */
export const ADMIN_URL =
  process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  // A client whose server goes away emits 'error'; unhandled it would crash the runner.
  client.on('error', (error) => console.log(`  (postgres client error: ${error.message})`));
  await client.connect();
  return client;
}

/** A fresh database for one run, so the e2e never touches anyone else's tables. */
export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = await connect(ADMIN_URL);
  const name = `changefeed_e2e_${process.pid}_${Date.now().toString(36)}`;
  await admin.query(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
