import type { Socket } from 'node:net';
import * as wsModule from 'ws';
import { WebSocketServer, type WebSocket } from 'ws';
import WebSocketClient from 'ws';
import { onCleanup, startNotifier, subscribed, useCleanup } from '../testing/helpers.js';
import { FrameJoiner, RawFrameWriter, textFrame } from './raw-frame-writer.js';

/** A server-side `ws` WebSocket on a real connection, made by a WebSocketServer with these options. */
async function serverSocket(
  options: ConstructorParameters<typeof WebSocketServer>[0] = { perMessageDeflate: false },
): Promise<WebSocket> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
  onCleanup(() => new Promise((r) => wss.close(r)));
  await new Promise((r) => wss.once('listening', r));
  const accepted = new Promise<WebSocket>((r) => wss.once('connection', r));
  const client = new WebSocketClient(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
  client.on('error', () => {});
  onCleanup(() => client.terminate());
  const ws = await accepted;
  onCleanup(() => ws.terminate());
  return ws;
}

/** ws's own frame builder (exported by ws, not typed by @types/ws). */
const Sender = (
  wsModule as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } }
).Sender;

describe('raw-frame-writer (what the fast path relies on in ws)', () => {
  useCleanup();

  it("frames text exactly as ws's own Sender does, at every length encoding", () => {
    for (const text of [
      '',
      'x',
      'é'.repeat(62),
      'a'.repeat(125),
      'a'.repeat(126),
      'a'.repeat(65_535),
      'a'.repeat(65_536),
      '€'.repeat(30_000),
    ]) {
      const theirs = Buffer.concat(
        Sender.frame(Buffer.from(text), {
          fin: true,
          rsv1: false,
          opcode: 1,
          mask: false,
          readOnly: false,
        }),
      );
      expect(textFrame(text).equals(theirs))
        .withContext(`${Buffer.byteLength(text)} bytes`)
        .toBeTrue();
    }
  });

  it('finds the net.Socket at ws._socket, and ws.bufferedAmount counts what is queued on it', async () => {
    const ws = await serverSocket();
    const socket = (ws as unknown as { _socket: Socket })._socket;
    expect(typeof socket?.write).toBe('function');
    socket.cork();
    new RawFrameWriter(ws).write([textFrame('held back')], 11, new FrameJoiner());
    expect(ws.bufferedAmount)
      .withContext('bytes written by the adapter, seen by the outgoing budget')
      .toBe(11);
    socket.uncork();
  });

  it('refuses a socket with permessage-deflate negotiated, and one without _socket', async () => {
    const deflating = await serverSocket({ perMessageDeflate: true });
    expect(() => new RawFrameWriter(deflating)).toThrowError(/permessage-deflate/);
    const fake = { _extensions: {} } as unknown as WebSocket;
    expect(() => new RawFrameWriter(fake)).toThrowError(/_socket/);
  });

  it('delivers what it writes as frames a ws client decodes, in order with ws.send()', async () => {
    const { url, notifier } = await startNotifier();
    const c = await subscribed(url, ['a']);
    notifier.notify({ collection: 'a', data: 'é'.repeat(40_000) });
    notifier.notify({ collection: 'a', id: 2 });
    c.send({ type: 'ping' });
    await c.next('pong');
    await c.waitNotifications(2);
    expect(c.malformed).toEqual([]);
    expect(c.seqs()).toEqual([1, 2]);
  });

  it('joins the same frames once, for every socket that gets them, and other frames anew', () => {
    const [a, b, c] = ['{"collection":"a"}', '{"collection":"b"}', '{"collection":"c"}'].map(
      textFrame,
    );
    const joiner = new FrameJoiner();
    const first = joiner.join([a, b], a.length + b.length);
    expect(joiner.join([a, b], a.length + b.length))
      .withContext('a second socket with the same frames got a new copy')
      .toBe(first);
    expect(first).toEqual(Buffer.concat([a, b]));
    expect(joiner.join([a, c], a.length + c.length)).toEqual(Buffer.concat([a, c]));
    expect(joiner.join([a, b], a.length + b.length)).toEqual(Buffer.concat([a, b]));
  });
});
