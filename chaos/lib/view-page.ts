import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { FaultProxy } from './fault-proxy';

/** Which part of the data a page shows. */
export type View =
  | { kind: 'all' }
  | { kind: 'container'; containerId: number }
  /** All lists, plus the forum detail panel (liveResource() on one row) following one forum. */
  | { kind: 'forum'; forumId: number };

/** What a page shows, in a form that compares equal to a fresh query when it is up to date. */
export interface Shown {
  /** Every container as `name (forum count)`, in list order. */
  containers: string[];
  /** The forums of the page's view, by name, sorted. */
  forums: string[];
  /** The detail panel: `name in container`, `deleted`, or '' when the view has none. */
  detail: string;
}

// Page-side scripts are strings: tsx compiles functions passed to page.evaluate() with helpers
// (__name) that exist only in Node, not in the page.

/** Every container as `name (count)` in list order, and the forums by name, sorted. */
const READ_LISTS = `(() => {
  const items = (list, withCount) =>
    [...document.querySelectorAll('ul[aria-label="' + list + '"] > li')].flatMap((li) => {
      const name = li.querySelector('.item-name')?.textContent?.trim();
      if (name === undefined) return []; // "All containers", or a row being edited
      return [withCount ? name + ' (' + li.querySelector('.count')?.textContent?.trim() + ')' : name];
    });
  const panel = document.querySelector('[data-test="forum-detail"]');
  const text = (test) => panel?.querySelector('[data-test="' + test + '"]')?.textContent?.trim() ?? '';
  const detail = !panel || panel.querySelector('.empty')
    ? ''
    : panel.querySelector('[data-test="detail-deleted"]')
      ? 'deleted'
      : text('detail-name') + ' in ' + text('detail-container');
  return { containers: items('Containers', true), forums: items('Forums', false).sort(), detail };
})()`;

/** Overrides the page's visibility and fires the event, as a tab switch would. */
const SET_HIDDEN = `(hidden) => {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  document.dispatchEvent(new Event('visibilitychange'));
}`;

/** The list endpoints whose GETs count as refetches. */
const LIST_PATHS = new Set(['/api/containers', '/api/forums']);

/**
 * One real Chromium page on the demo, on one view, with the faults a browser can suffer: offline,
 * hidden, frozen (the Page lifecycle a sleeping laptop or a discarded background tab goes through).
 */
export class ViewPage {
  /** GETs of the list endpoints since the page opened. */
  refetches = 0;
  /** Uncaught exceptions: the app crashing is a failure of its own, whatever the lists show. */
  readonly crashes: string[] = [];

  private constructor(
    readonly name: string,
    readonly view: View,
    private readonly context: BrowserContext,
    private readonly page: Page,
    private readonly cdp: CDPSession,
    /** This page's network to the server: every request and socket of the page goes through it. */
    readonly proxy: FaultProxy,
  ) {
    page.on('request', (request) => {
      if (request.method() === 'GET' && LIST_PATHS.has(new URL(request.url()).pathname))
        this.refetches++;
    });
    page.on('pageerror', (error) => this.crashes.push(error.message));
  }

  /** Opens the demo served on `serverPort` through a proxy of the page's own. */
  static async open(
    browser: Browser,
    name: string,
    serverPort: number,
    view: View,
  ): Promise<ViewPage> {
    const proxy = await FaultProxy.start({ host: '127.0.0.1', port: serverPort });
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const cdp = await context.newCDPSession(page);
    const viewPage = new ViewPage(name, view, context, page, cdp, proxy);
    await page.goto(`http://127.0.0.1:${proxy.port}/`);
    await viewPage.waitForState('open', 30_000);
    await viewPage.show(view);
    return viewPage;
  }

  /**
   * Sets the app on `view`: the forums filter, and for a forum view the detail panel of that
   * forum. Nothing changes when the page is on it already. False when it could not be done in
   * `timeout` (the forum gone, the page not loaded): the page stays where it was.
   */
  async show(view: View, timeout = 10_000): Promise<boolean> {
    try {
      await this.page
        .getByLabel('Show forums of')
        .selectOption(view.kind === 'container' ? String(view.containerId) : '', { timeout });
      if (view.kind === 'forum')
        await this.page
          .locator(`[data-forum-id="${view.forumId}"]`)
          .getByRole('button', { name: /^Show details of forum/ })
          .click({ timeout });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Reloads the page (a person pressing F5) and sets its view again as soon as the lists are
   * there, without waiting for the connection: the app fetches, then subscribes. A reload that
   * fails (the server down, the network frozen) leaves the browser's error page; restore() mends it.
   */
  async reload(): Promise<void> {
    await this.page.reload({ waitUntil: 'commit', timeout: 10_000 }).catch(() => {});
    await this.show(this.view);
  }

  /**
   * After a reload: the app loaded (reloaded again, as a person would, while the browser shows an
   * error page) and on the page's view. Gives up after `timeout`, leaving the check to report it.
   */
  async restore(timeout = 60_000): Promise<void> {
    const until = Date.now() + timeout;
    while (Date.now() < until) {
      const loaded = await this.page
        .locator('app-connection-badge .badge')
        .waitFor({ timeout: 5_000 })
        .then(
          () => true,
          () => false,
        );
      if (loaded && (await this.show(this.view))) return;
      if (!loaded) await this.page.reload({ waitUntil: 'commit', timeout: 10_000 }).catch(() => {});
    }
  }

  /** The SDK's connection state, as the badge shows it. */
  async state(): Promise<string | null> {
    return this.page.evaluate(
      () =>
        document.querySelector('app-connection-badge .badge')?.getAttribute('data-state') ?? null,
    );
  }

  async waitForState(state: string, timeout: number): Promise<void> {
    await this.page.waitForFunction(
      (expected) =>
        document.querySelector('app-connection-badge .badge')?.getAttribute('data-state') ===
        expected,
      state,
      { timeout, polling: 50 },
    );
  }

  async shown(): Promise<Shown> {
    return this.page.evaluate(READ_LISTS) as Promise<Shown>;
  }

  async setOffline(offline: boolean): Promise<void> {
    await this.context.setOffline(offline);
  }

  /**
   * Hidden or visible again. Headless Chromium has no window to minimise, so the page's own
   * visibility is overridden and the event fired, as the browser would on a tab switch.
   */
  async setHidden(hidden: boolean): Promise<void> {
    await this.page.evaluate(`(${SET_HIDDEN})(${hidden})`);
  }

  /** Frozen: no task runs, timers stop, sockets stay open unread (Page lifecycle `frozen`). */
  async setFrozen(frozen: boolean): Promise<void> {
    await this.cdp.send('Page.setWebLifecycleState', { state: frozen ? 'frozen' : 'active' });
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => {});
    await this.proxy.close();
  }
}
