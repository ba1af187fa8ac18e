import type { E2eContext } from './e2e-context';
import { DemoPage } from './lib/demo-page';
import { check } from './lib/harness';
import { screenshot } from './lib/screenshots';

/** The most refetches of one list a burst of 500 notifications may cause in one page. */
const MAX_REFETCHES = 3;

/**
 * The burst button inserts 500 forums in one transaction: 500 notifications. Each page must
 * refetch each of its lists at most 3 times (coalescing), counted from the requests it makes.
 */
export async function burstIsCoalesced({ browser, demo }: E2eContext): Promise<void> {
  const one = await DemoPage.open(browser, 'window 1', demo.url);
  const two = await DemoPage.open(browser, 'window 2', demo.url);
  try {
    const before = (await (await fetch(`${demo.url}/api/forums`)).json()).length as number;
    const counts = (page: DemoPage) => ({
      containers: page.fetchCount('/api/containers'),
      forums: page.fetchCount('/api/forums'),
    });
    const start = { one: counts(one), two: counts(two) };

    await one.page.getByRole('button', { name: /^Burst: insert 500 forums$/ }).click();
    const started = performance.now();
    const shows = (page: DemoPage) =>
      page.page.waitForFunction(
        (n) => document.querySelectorAll('[aria-label="Forums"] > li[data-forum-id]').length === n,
        before + 500,
        { timeout: 20_000 },
      );
    await Promise.all([shows(one), shows(two)]);
    console.log(
      `  500 new forums shown in both windows ${Math.round(performance.now() - started)} ms after the click`,
    );
    // Let any trailing refetch of the coalescing window happen before counting.
    await one.page.waitForTimeout(1500);

    for (const [page, from] of [
      [one, start.one],
      [two, start.two],
    ] as const) {
      const now = counts(page);
      const refetches = {
        containers: now.containers - from.containers,
        forums: now.forums - from.forums,
      };
      console.log(
        `  ${page.name}: refetched containers ${refetches.containers}×, forums ${refetches.forums}× for 500 notifications`,
      );
      check(
        refetches.forums >= 1 && refetches.forums <= MAX_REFETCHES,
        `${page.name} refetched forums ${refetches.forums} times, expected 1–${MAX_REFETCHES}`,
      );
      check(
        refetches.containers >= 1 && refetches.containers <= MAX_REFETCHES,
        `${page.name} refetched containers ${refetches.containers} times, expected 1–${MAX_REFETCHES}`,
      );
    }
    await screenshot(two, 'burst.png');
    one.expectNoConsoleErrors();
    two.expectNoConsoleErrors();
  } finally {
    await one.close();
    await two.close();
  }
}
