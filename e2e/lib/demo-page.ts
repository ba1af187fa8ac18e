import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { check } from './harness';

/** Network noise a browser logs by itself while the server is down, not an error of the app. */
const DOWNTIME_NOISE = [
  /net::ERR_CONNECTION_REFUSED/,
  /WebSocket connection to .* failed/,
  /ERR_CONNECTION_RESET/,
  /ERR_EMPTY_RESPONSE/,
];

/** One browser window on the demo, with what the tests read and do there. */
export class DemoPage {
  /** Console errors and uncaught exceptions, with the time they happened. */
  readonly errors: { at: number; text: string }[] = [];
  /** GET requests per list endpoint ('/api/containers', '/api/forums'). */
  private readonly fetches = new Map<string, number>();

  private constructor(
    readonly name: string,
    private readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('console', (message) => {
      if (message.type() === 'error') this.errors.push({ at: Date.now(), text: message.text() });
    });
    page.on('pageerror', (error) =>
      this.errors.push({ at: Date.now(), text: `uncaught: ${error.message}` }),
    );
    page.on('request', (request) => {
      if (request.method() !== 'GET') return;
      const path = new URL(request.url()).pathname;
      if (path === '/api/containers' || path === '/api/forums')
        this.fetches.set(path, (this.fetches.get(path) ?? 0) + 1);
    });
  }

  static async open(
    browser: Browser,
    name: string,
    url: string,
    viewport = { width: 1280, height: 860 },
  ): Promise<DemoPage> {
    const context = await browser.newContext({ viewport, colorScheme: 'light' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const demo = new DemoPage(name, context, page);
    await page.goto(url);
    await demo.waitForState('open');
    await demo.waitForStartupRefetch();
    return demo;
  }

  /**
   * Each list subscribed before the socket was open, so once its subscription is confirmed it
   * refetches once (the startup gap's reset): two fetches of each list, and then the page is
   * settled. Counts taken after this are caused by what a test does, not by the page's start.
   */
  private async waitForStartupRefetch(timeout = 15_000): Promise<void> {
    const deadline = Date.now() + timeout;
    const lists = ['/api/containers', '/api/forums'] as const;
    while (lists.some((list) => this.fetchCount(list) < 2)) {
      if (Date.now() > deadline)
        throw new Error(
          `${this.name}: no startup refetch within ${timeout} ms (fetches: ${lists.map((list) => `${list} ${this.fetchCount(list)}`).join(', ')})`,
        );
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async close(): Promise<void> {
    await this.context.close();
  }

  fetchCount(path: '/api/containers' | '/api/forums'): number {
    return this.fetches.get(path) ?? 0;
  }

  get badge(): Locator {
    return this.page.locator('app-connection-badge .badge');
  }

  async waitForState(state: string, timeout = 15_000): Promise<void> {
    await this.page.waitForFunction(
      (expected) =>
        document.querySelector('app-connection-badge .badge')?.getAttribute('data-state') ===
        expected,
      state,
      { timeout, polling: 'raf' },
    );
  }

  containers(): Locator {
    return this.page.getByRole('list', { name: 'Containers' });
  }

  forums(): Locator {
    return this.page.getByRole('list', { name: 'Forums' });
  }

  container(name: string): Locator {
    return this.containers()
      .getByRole('listitem')
      .filter({ has: this.page.getByText(name, { exact: true }) });
  }

  forum(name: string): Locator {
    return this.forums()
      .getByRole('listitem')
      .filter({ has: this.page.getByText(name, { exact: true }) });
  }

  /**
   * Resolves when `locator` is visible (or, with `gone`, has disappeared). Polls every 5 ms
   * itself rather than with Playwright's backing-off waits, so printed latencies are not inflated.
   */
  async until(locator: Locator, gone = false, timeout = 10_000): Promise<void> {
    const deadline = Date.now() + timeout;
    while ((await locator.first().isVisible()) === gone) {
      if (Date.now() > deadline)
        throw new Error(
          `${this.name}: ${locator} still ${gone ? 'visible' : 'not visible'} after ${timeout} ms`,
        );
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async containerNames(): Promise<string[]> {
    return (await this.containers().locator('.item-name').allTextContents()).map((s) => s.trim());
  }

  async forumNames(): Promise<string[]> {
    return (await this.forums().locator('.item-name').allTextContents()).map((s) => s.trim());
  }

  async createContainer(name: string): Promise<void> {
    await this.page.getByLabel('New container name').fill(name);
    await this.page.getByRole('button', { name: 'Add container' }).click();
  }

  async renameContainer(from: string, to: string): Promise<void> {
    await this.page.getByRole('button', { name: `Rename container ${from}`, exact: true }).click();
    await this.page.getByLabel(`New name for ${from}`).fill(to);
    await this.containers().getByRole('button', { name: 'Save' }).click();
  }

  async deleteContainer(name: string): Promise<void> {
    await this.page.getByRole('button', { name: `Delete container ${name}`, exact: true }).click();
  }

  async createForum(name: string, container: string): Promise<void> {
    await this.page.getByLabel('New forum name').fill(name);
    await this.page.getByLabel('Container of the new forum').selectOption({ label: container });
    await this.page.getByRole('button', { name: 'Add forum' }).click();
  }

  async renameForum(from: string, to: string): Promise<void> {
    await this.page.getByRole('button', { name: `Rename forum ${from}`, exact: true }).click();
    await this.page.getByLabel(`New name for ${from}`).fill(to);
    await this.forums().getByRole('button', { name: 'Save' }).click();
  }

  async moveForum(name: string, container: string): Promise<void> {
    await this.page.getByRole('button', { name: `Move forum ${name}`, exact: true }).click();
    await this.page.getByLabel(`Move ${name} to`).selectOption({ label: container });
    await this.forums().getByRole('button', { name: 'Move', exact: true }).click();
  }

  async deleteForum(name: string): Promise<void> {
    await this.page.getByRole('button', { name: `Delete forum ${name}`, exact: true }).click();
  }

  /** Fails listing the console errors since `since`, except network noise inside `downtime`. */
  expectNoConsoleErrors(since = 0, downtime?: { from: number; to: number }): void {
    const errors = this.errors.filter(
      (e) =>
        e.at >= since &&
        !(
          downtime &&
          e.at >= downtime.from &&
          e.at <= downtime.to &&
          DOWNTIME_NOISE.some((re) => re.test(e.text))
        ),
    );
    check(
      errors.length === 0,
      `${this.name}: console errors:\n    ${errors.map((e) => e.text).join('\n    ')}`,
    );
  }
}
