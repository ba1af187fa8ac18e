import type { E2eContext } from './e2e-context';
import { DemoPage } from './lib/demo-page';
import { screenshot, screenshotSideBySide } from './lib/screenshots';

/**
 * Two windows; every write in window 1 (create, rename, move, delete of containers and forums)
 * must appear in window 2 without any action there. Prints how long each took to show.
 */
export async function twoPagesStayInSync({ browser, demo }: E2eContext): Promise<void> {
  const one = await DemoPage.open(browser, 'writer', demo.url);
  const two = await DemoPage.open(browser, 'watcher', demo.url);
  const latencies: string[] = [];
  /** Runs `act` in window 1 and measures from its final click until `visible` holds in window 2. */
  const measure = async (what: string, act: () => Promise<void>, visible: () => Promise<void>) => {
    await act(); // resolves right after the final click
    const started = performance.now();
    await visible();
    const ms = Math.round(performance.now() - started);
    latencies.push(`${what}: ${ms} ms`);
    console.log(`  ${what.padEnd(26)} → visible in the other window after ${ms} ms`);
  };
  try {
    const tag = Date.now().toString(36);
    const box = `Box ${tag}`;
    const shelf = `Shelf ${tag}`;
    const forum = `Forum ${tag}`;

    await measure(
      'create container',
      () => one.createContainer(box),
      () => two.until(two.container(box)),
    );
    await measure(
      'create second container',
      () => one.createContainer(shelf),
      () => two.until(two.container(shelf)),
    );
    await measure(
      'create forum',
      () => one.createForum(forum, box),
      () => two.until(two.forum(forum).filter({ hasText: box })),
    );
    await screenshotSideBySide(browser, one, two, 'two-windows.png');
    await measure(
      'rename forum',
      () => one.renameForum(forum, `${forum} renamed`),
      () => two.until(two.forum(`${forum} renamed`)),
    );
    await measure(
      'move forum',
      () => one.moveForum(`${forum} renamed`, shelf),
      () => two.until(two.forum(`${forum} renamed`).filter({ hasText: shelf })),
    );
    await measure(
      'rename container',
      () => one.renameContainer(box, `${box} renamed`),
      () => two.until(two.container(`${box} renamed`)),
    );
    await measure(
      'delete forum',
      () => one.deleteForum(`${forum} renamed`),
      () => two.until(two.forum(`${forum} renamed`), true),
    );
    await measure(
      'delete container',
      () => one.deleteContainer(`${box} renamed`),
      () => two.until(two.container(`${box} renamed`), true),
    );
    await one.deleteContainer(shelf);
    await two.until(two.container(shelf), true);

    // The same app on a phone-sized window: one column, nothing cut off.
    const phone = await DemoPage.open(browser, 'phone', demo.url, { width: 390, height: 844 });
    try {
      await screenshot(phone, 'phone.png');
      phone.expectNoConsoleErrors();
    } finally {
      await phone.close();
    }

    one.expectNoConsoleErrors();
    two.expectNoConsoleErrors();
  } finally {
    await one.close();
    await two.close();
  }
}
