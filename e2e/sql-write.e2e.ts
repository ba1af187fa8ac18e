import type { E2eContext } from './e2e-context';
import { DemoPage } from './lib/demo-page';
import { DemoProcess } from './lib/demo-process';
import { freePort } from './lib/free-port';
import { skip } from './lib/harness';
import { ADMIN_URL, connect, createScratchDatabase } from './lib/postgres';
import { screenshot } from './lib/screenshots';

/**
 * A write made in SQL on a real Postgres (not through the API) reaches both pages: demo-api runs
 * with DATABASE_URL, the test writes with `pg` as psql would. Postgres must be reachable under CI.
 */
export async function sqlWriteReachesBothPages({ browser }: E2eContext): Promise<void> {
  try {
    await (await connect(ADMIN_URL)).end();
  } catch (error) {
    const reason = `Postgres at ${ADMIN_URL} is not reachable (${(error as Error).message})`;
    if (process.env['CI'] === 'true') throw new Error(`${reason}; under CI it must be`);
    skip(`${reason}; set TEST_DATABASE_URL or start Postgres`);
  }
  const database = await createScratchDatabase();
  const demo = new DemoProcess(
    await freePort(),
    { DATABASE_URL: database.url, DEMO_SEED: '1' },
    'demo-api (Postgres)',
  );
  let one: DemoPage | undefined;
  let two: DemoPage | undefined;
  const sql = await connect(database.url).catch(async (error) => {
    await database.drop();
    throw error;
  });
  try {
    await demo.start();
    one = await DemoPage.open(browser, 'window 1', demo.url);
    two = await DemoPage.open(browser, 'window 2', demo.url);

    const started = performance.now();
    const [{ id }] = (
      await sql.query(`insert into containers (name) values ('Made in SQL') returning id`)
    ).rows;
    await Promise.all([
      one.until(one.container('Made in SQL')),
      two.until(two.container('Made in SQL')),
    ]);
    console.log(
      `  insert into containers → visible in both windows after ${Math.round(performance.now() - started)} ms`,
    );

    const moved = performance.now();
    await sql.query(
      `update forums set name = 'Renamed in SQL', container_id = $1 where id = (select min(id) from forums)`,
      [id],
    );
    await Promise.all([
      one.until(one.forum('Renamed in SQL').filter({ hasText: 'Made in SQL' })),
      two.until(two.forum('Renamed in SQL').filter({ hasText: 'Made in SQL' })),
    ]);
    console.log(
      `  update forums (rename + move) → visible in both windows after ${Math.round(performance.now() - moved)} ms`,
    );

    const deleted = performance.now();
    await sql.query(`delete from forums where name = 'Renamed in SQL'`);
    await Promise.all([
      one.until(one.forum('Renamed in SQL'), true),
      two.until(two.forum('Renamed in SQL'), true),
    ]);
    console.log(
      `  delete from forums → gone from both windows after ${Math.round(performance.now() - deleted)} ms`,
    );
    await screenshot(two, 'sql-write.png');

    one.expectNoConsoleErrors();
    two.expectNoConsoleErrors();
  } finally {
    await one?.close();
    await two?.close();
    await demo.stop();
    await sql.end();
    await database.drop();
  }
}
