import type { E2eContext } from './e2e-context';
import { DemoPage } from './lib/demo-page';
import { check } from './lib/harness';

/** What Chromium logs by itself for the detail panel's 404 once the forum is gone: expected, not an app error. */
const DELETED_FORUM_404 = /status of 404/;

/**
 * The forum detail panel (liveResource() on one row): window 2 follows a forum that window 1
 * renames, moves and finally deletes; the panel shows each change, then "deleted".
 */
export async function forumDetailFollowsItsRow({ browser, demo }: E2eContext): Promise<void> {
  const one = await DemoPage.open(browser, 'writer', demo.url);
  const two = await DemoPage.open(browser, 'watcher', demo.url);
  const detail = (test: string) => two.page.locator(`[data-test="${test}"]`);
  const shows = async (test: string, text: string) => {
    await two.until(detail(test).filter({ hasText: text }));
  };
  try {
    const tag = Date.now().toString(36);
    const box = `Detail box ${tag}`;
    const shelf = `Detail shelf ${tag}`;
    const forum = `Detail forum ${tag}`;
    // Each write waits until it shows: createContainer returns at the click, and a second
    // create typed before the first one completes is wiped when the form clears.
    await one.createContainer(box);
    await two.until(two.container(box));
    await one.createContainer(shelf);
    await two.until(two.container(shelf));
    await one.createForum(forum, box);
    await two.until(two.forum(forum));

    await two.page
      .getByRole('button', { name: `Show details of forum ${forum}`, exact: true })
      .click();
    await shows('detail-name', forum);
    await shows('detail-container', box);
    await shows('detail-live', 'live');

    await one.renameForum(forum, `${forum} renamed`);
    await shows('detail-name', `${forum} renamed`);
    await one.moveForum(`${forum} renamed`, shelf);
    await shows('detail-container', shelf);

    const deletedAt = Date.now();
    await one.deleteForum(`${forum} renamed`);
    await two.until(detail('detail-deleted'));

    await one.deleteContainer(box);
    await one.deleteContainer(shelf);
    one.expectNoConsoleErrors();
    const unexpected = two.errors.filter(
      (e) => !(e.at >= deletedAt && DELETED_FORUM_404.test(e.text)),
    );
    check(
      unexpected.length === 0,
      `watcher: console errors:\n    ${unexpected.map((e) => e.text).join('\n    ')}`,
    );
  } finally {
    await one.close();
    await two.close();
  }
}
