import { CloseCode } from '@changefeed/protocol';
import { connect as tcpConnect } from 'node:net';
import WebSocket from 'ws';
import { onCleanup, startNotifier, useCleanup } from './testing/helpers.js';

/** Opens a raw client; once it is welcomed, `closed` resolves with the code and reason it gets. */
async function welcomed(url: string): Promise<{ closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(url);
  ws.on('error', () => {});
  onCleanup(() => ws.terminate());
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise((resolve) => ws.once('message', resolve));
  return { closed };
}

describe('createNotifier close()', () => {
  useCleanup();

  it('names in the 1001 the window clients spread their reconnects over, a second for a few', async () => {
    const { url, notifier } = await startNotifier();
    const clients = await Promise.all([welcomed(url), welcomed(url), welcomed(url)]);
    await notifier.close();
    for (const { code, reason } of await Promise.all(clients.map((c) => c.closed))) {
      expect(code).toBe(CloseCode.GoingAway);
      expect(reason).toBe('server going away; spread=1000');
      // A close frame's reason has room for 123 bytes.
      expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
    }
  });

  it('answers upgrades 503 at once while it waits for clients to finish closing', async () => {
    const { url, port, notifier } = await startNotifier();
    // A peer that completes the handshake but never answers the close frame keeps close() waiting.
    const raw = tcpConnect(port, '127.0.0.1');
    onCleanup(() => raw.destroy());
    raw.write('GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    await new Promise((resolve) => raw.once('data', resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closed = notifier.close();
    const late = new WebSocket(url);
    const status = await new Promise<number>((resolve, reject) => {
      late.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      late.once('error', reject);
    });
    late.terminate();
    expect(status).toBe(503);
    raw.destroy();
    await closed;
  });
});
