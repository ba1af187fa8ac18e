import { CloseCode } from '@changefeed/protocol';
import type { Socket } from 'node:net';
import { startNotifier, subscribed, useCleanup, waitFor } from '../testing/helpers.js';

describe('slow consumers', () => {
  useCleanup();

  it('closes a stalled client with 1013 while the others keep receiving', async () => {
    const { url, notifier } = await startNotifier({ maxBuffered: 64 * 1024 });
    const stalled = await subscribed(url, ['big']);
    const healthy = await subscribed(url, ['big']);
    const socket = (stalled.ws as unknown as { _socket: Socket })._socket;
    socket.pause();
    const data = 'x'.repeat(32 * 1024);
    let sent = 0;
    // Kernel socket buffers absorb several MiB before ws starts buffering: keep going until the drop.
    while (notifier.metrics().drops === 0 && sent < 4000) {
      for (let i = 0; i < 20; i++) notifier.notify({ collection: 'big', data });
      sent += 20;
      await new Promise((r) => setImmediate(r));
      await waitFor(
        () => healthy.notifications.length >= sent - 20,
        'the healthy client to keep up',
        10_000,
      );
    }
    expect(notifier.metrics().drops).withContext(`after ${sent} notifications`).toBe(1);
    notifier.notify({ collection: 'big', op: 'after-drop' });
    sent++;
    await healthy.waitNotifications(sent);
    expect(healthy.seqs()).toEqual(Array.from({ length: sent }, (_, i) => i + 1));
    socket.resume();
    expect(await stalled.closed).toBe(CloseCode.TryLater);
    expect(stalled.notifications.length).toBeLessThan(sent);
    expect(healthy.closeCode).toBeUndefined();
  });
});

describe('the outgoing budget (maxBuffered) on control replies', () => {
  useCleanup();

  it('closes with 1013 a client that floods subscribes and never reads the subscribed replies', async () => {
    const { url, notifier } = await startNotifier({
      maxBuffered: 64 * 1024,
      rateLimit: { commands: 100_000, perMs: 1_000 },
    });
    const c = await subscribed(url, ['a']);
    (c.ws as unknown as { _socket: Socket })._socket.pause();
    // ~50 KB per command, echoed in each `subscribed`: the replies outgrow the kernel's buffers.
    const ids = Array.from({ length: 1_000 }, (_, i) => `${i}`.padStart(48, 'x'));
    for (let i = 0; i < 400 && c.closeCode === undefined && notifier.metrics().drops === 0; i++) {
      c.send({ type: 'subscribe', collections: ['a'], ids });
      await new Promise((r) => setImmediate(r));
    }
    await waitFor(
      () => notifier.metrics().drops === 1,
      'the flooding client to be dropped',
      10_000,
      () => `metrics ${JSON.stringify(notifier.metrics())}`,
    );
    (c.ws as unknown as { _socket: Socket })._socket.resume();
    expect(await c.closed).toBe(CloseCode.TryLater);
  });
});
