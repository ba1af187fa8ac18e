import { PGlite } from '@electric-sql/pglite';
import type { E2eContext } from './e2e-context';
import { DemoPage } from './lib/demo-page';
import { check } from './lib/harness';
import { screenshot } from './lib/screenshots';

/**
 * Restart demo-api while two pages are open: both badges go `reconnecting`, then `open`, and
 * both pages converge to the database, including a change written while the server was down
 * (directly into its PGlite folder, which is free while the server is stopped).
 */
export async function restartConverges({ browser, demo, dataDir }: E2eContext): Promise<void> {
  const one = await DemoPage.open(browser, 'window 1', demo.url);
  const two = await DemoPage.open(browser, 'window 2', demo.url);
  const downtime = { from: 0, to: Number.MAX_SAFE_INTEGER };
  try {
    downtime.from = Date.now();
    await demo.stop();
    await Promise.all([one.waitForState('reconnecting'), two.waitForState('reconnecting')]);
    console.log('  server stopped: both badges show reconnecting');
    await screenshot(one, 'reconnecting.png');

    const db = await PGlite.create(dataDir);
    try {
      await db.query(`insert into containers (name) values ('Written while down')`);
      await db.query(
        `update forums set name = 'Renamed while down' where id = (select min(id) from forums)`,
      );
    } finally {
      await db.close();
    }

    const restarted = Date.now();
    await demo.start();
    await Promise.all([one.waitForState('open', 30_000), two.waitForState('open', 30_000)]);
    console.log(
      `  server back: both badges open ${Date.now() - restarted} ms after the restart began`,
    );
    // A new server epoch: the SDK turns the gap into reset notifications, so both pages refetch.
    await Promise.all([
      one.until(one.container('Written while down')),
      two.until(two.container('Written while down')),
      one.until(one.forum('Renamed while down')),
      two.until(two.forum('Renamed while down')),
    ]);
    downtime.to = Date.now();

    const [containers, forums] = await Promise.all([
      fetch(`${demo.url}/api/containers`).then((r) => r.json() as Promise<{ name: string }[]>),
      fetch(`${demo.url}/api/forums`).then((r) => r.json() as Promise<{ name: string }[]>),
    ]);
    const expectedContainers = containers.map((c) => c.name).sort();
    const expectedForums = forums.map((f) => f.name).sort();
    for (const page of [one, two]) {
      const shownContainers = (await page.containerNames()).sort();
      const shownForums = (await page.forumNames()).sort();
      check(
        JSON.stringify(shownContainers) === JSON.stringify(expectedContainers),
        `${page.name} shows containers ${JSON.stringify(shownContainers)}, the database has ${JSON.stringify(expectedContainers)}`,
      );
      check(
        JSON.stringify(shownForums) === JSON.stringify(expectedForums),
        `${page.name} shows forums ${JSON.stringify(shownForums)}, the database has ${JSON.stringify(expectedForums)}`,
      );
    }
    console.log(
      `  both pages converged: ${expectedContainers.length} containers, ${expectedForums.length} forums`,
    );

    one.expectNoConsoleErrors(0, downtime);
    two.expectNoConsoleErrors(0, downtime);
  } finally {
    await one.close();
    await two.close();
  }
}
