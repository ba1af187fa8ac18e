import type { Browser, Page } from 'playwright-core';
import type pg from 'pg';
import { check } from '../e2e/lib/harness';
import type { ServerProcess } from './server-process';

const WAIT_MS = 30_000;

/** What one browser run of a consumer app needs. */
export interface LivePageContext {
  browser: Browser;
  server: ServerProcess;
  db: pg.Client;
  table: string;
  /** Whether the build under test loads zone.js (checked on the page, so the builds cannot swap). */
  zone: boolean;
}

/**
 * The README's component on a real page: a row inserted with SQL appears; the server killed
 * (SIGKILL) and restarted, the page is live again and shows a row inserted while it was down.
 */
export async function pageStaysLive({
  browser,
  server,
  db,
  table,
  zone,
}: LivePageContext): Promise<void> {
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  try {
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await badgeShows(page, 'open');
    const zoneLoaded = await page.evaluate(() => 'Zone' in globalThis);
    check(
      zoneLoaded === zone,
      `expected zone.js ${zone ? '' : 'not '}to be loaded, it is ${zoneLoaded ? '' : 'not'}`,
    );

    await subscriptionIsLive(server);
    await insertAndSee(page, db, table, 'inserted while connected');

    await server.kill();
    await badgeShows(page, 'reconnecting');
    const whileDown = 'inserted while the server was down';
    await db.query(`insert into ${table} (name) values ($1)`, [whileDown]);
    await server.start();
    await badgeShows(page, 'open');
    await rowShows(page, whileDown);

    await subscriptionIsLive(server);
    await insertAndSee(page, db, table, 'inserted after the restart');
    check(pageErrors.length === 0, `the page threw: ${pageErrors.join('; ')}`);
  } finally {
    await page.close();
  }
}

async function insertAndSee(page: Page, db: pg.Client, table: string, name: string): Promise<void> {
  await db.query(`insert into ${table} (name) values ($1)`, [name]);
  await rowShows(page, name);
}

async function badgeShows(page: Page, state: string): Promise<void> {
  await waitOnPage(
    page,
    `the badge to show "${state}"`,
    (expected) => document.querySelector('.badge')?.textContent?.trim() === expected,
    state,
  );
}

async function rowShows(page: Page, name: string): Promise<void> {
  await waitOnPage(
    page,
    `a row "${name}"`,
    (expected) =>
      [...document.querySelectorAll('li')].some((li) => li.textContent?.trim() === expected),
    name,
  );
}

async function waitOnPage(
  page: Page,
  what: string,
  predicate: (arg: string) => boolean,
  arg: string,
): Promise<void> {
  try {
    await page.waitForFunction(predicate, arg, { timeout: WAIT_MS });
  } catch {
    const shown = await page.evaluate(() =>
      document.querySelector('app-root')?.textContent?.replace(/\s+/g, ' ').trim(),
    );
    throw new Error(`waited ${WAIT_MS} ms for ${what}; the page shows: ${shown}`);
  }
}

/**
 * Until the server confirmed the page's subscription, a change may be missed by design (the
 * component fetched before it); the server's own metrics say when it is live.
 */
async function subscriptionIsLive(server: ServerProcess): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  let metrics = '';
  while (Date.now() < deadline) {
    metrics = await server.get('/metrics');
    if (Number(/^changefeed_subscriptions (\d+)/m.exec(metrics)?.[1]) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no live subscription on the server after ${WAIT_MS} ms:\n${metrics}`);
}
