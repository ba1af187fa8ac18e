import type { E2eContext } from './e2e-context';
import { DemoPage } from './lib/demo-page';
import { check } from './lib/harness';

/**
 * The demo over Server-Sent Events (`?transport=sse`, withEventSource()) beside one on WebSocket:
 * the badge says which transport each uses, and writes in either window show up in the other.
 */
export async function sseStaysInSync({ browser, demo }: E2eContext): Promise<void> {
  const ws = await DemoPage.open(browser, 'websocket', demo.url);
  const sse = await DemoPage.open(browser, 'sse', `${demo.url}/?transport=sse`);
  try {
    const transportOf = (page: DemoPage) =>
      page.badge.getAttribute('data-transport', { timeout: 5_000 });
    check((await transportOf(sse)) === 'eventsource', `sse page on ${await transportOf(sse)}`);
    check((await transportOf(ws)) === 'websocket', `websocket page on ${await transportOf(ws)}`);

    const tag = Date.now().toString(36);
    const box = `SSE box ${tag}`;
    const forum = `SSE forum ${tag}`;
    await ws.createContainer(box);
    await sse.until(sse.container(box));
    await ws.createForum(forum, box);
    await sse.until(sse.forum(forum).filter({ hasText: box }));
    await sse.renameForum(forum, `${forum} renamed`);
    await ws.until(ws.forum(`${forum} renamed`));
    await sse.deleteForum(`${forum} renamed`);
    await ws.until(ws.forum(`${forum} renamed`), true);
    await ws.deleteContainer(box);
    await sse.until(sse.container(box), true);

    ws.expectNoConsoleErrors();
    sse.expectNoConsoleErrors();
  } finally {
    await ws.close();
    await sse.close();
  }
}
