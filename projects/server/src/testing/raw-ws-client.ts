/**
 * A WebSocket client on a bare TCP socket, for what a well-behaved client library will not do:
 * send invalid UTF-8, unmasked or reserved-bit frames, and stop reading while the server writes.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';

export interface ServerFrameRead {
  opcode: number;
  payload: Buffer;
}

export class RawWsClient {
  readonly frames: ServerFrameRead[] = [];
  /** The close code the server sent, if any. */
  closeCode: number | undefined;
  ended = false;
  private buffer = Buffer.alloc(0);
  private upgraded = false;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: net.Socket) {
    socket.on('error', () => {});
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.parse();
      this.wake();
    });
  }

  /** Opens a connection; resolves with the HTTP status of the handshake and the client. */
  static async open(port: number, path = '/ws', headers: Record<string, string> = {}): Promise<{ status: number; client: RawWsClient }> {
    const socket = net.connect(port, '127.0.0.1');
    const client = new RawWsClient(socket);
    await new Promise((r) => socket.once('connect', r));
    const lines = [
      `GET ${path} HTTP/1.1`,
      ...(Object.keys(headers).some((k) => k.toLowerCase() === 'host') ? [] : [`Host: 127.0.0.1:${port}`]),
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
      'Sec-WebSocket-Version: 13',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    await client.until(() => client.upgraded || client.status !== undefined || client.ended, 'the handshake answer');
    return { status: client.status ?? 0, client };
  }

  private status: number | undefined;

  private parse(): void {
    if (!this.upgraded) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end === -1) return;
      this.status = Number(/^HTTP\/1\.1 (\d{3})/.exec(this.buffer.subarray(0, end).toString('latin1'))?.[1] ?? 0);
      this.buffer = this.buffer.subarray(end + 4);
      if (this.status !== 101) return;
      this.upgraded = true;
    }
    for (;;) {
      if (this.buffer.length < 2) return;
      const opcode = this.buffer[0] & 0x0f;
      let len = this.buffer[1] & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (this.buffer.length < 4) return;
        len = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (this.buffer.length < 10) return;
        len = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + len) return;
      const payload = this.buffer.subarray(offset, offset + len);
      this.buffer = this.buffer.subarray(offset + len);
      if (opcode === 0x8) this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      this.frames.push({ opcode, payload });
    }
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits for `condition` after each chunk read; fails with `what` after `ms`. */
  async until(condition: () => boolean, what: string, ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`raw client: timed out waiting for ${what}; got ${this.texts().slice(-3).join(' | ').slice(0, 300)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 100));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Text frames received, decoded. */
  texts(): string[] {
    return this.frames.filter((f) => f.opcode === 0x1).map((f) => f.payload.toString('utf8'));
  }

  /** Sends one frame, masked as a client must unless `unmasked`; `first` overrides the first byte (FIN, RSV, opcode). */
  frame(payload: Buffer | string, opcode = 0x1, options: { unmasked?: boolean; first?: number } = {}): void {
    const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
    const len = data.length;
    const head = len < 126 ? 2 : len < 65_536 ? 4 : 10;
    const mask = options.unmasked ? undefined : randomBytes(4);
    const out = Buffer.alloc(head + (mask ? 4 : 0) + len);
    out[0] = options.first ?? 0x80 | opcode;
    out[1] = (mask ? 0x80 : 0) | (head === 2 ? len : head === 4 ? 126 : 127);
    if (head === 4) out.writeUInt16BE(len, 2);
    if (head === 10) out.writeBigUInt64BE(BigInt(len), 2);
    let offset = head;
    if (mask) {
      mask.copy(out, offset);
      offset += 4;
      for (let i = 0; i < len; i++) out[offset + i] = data[i] ^ mask[i & 3];
    } else data.copy(out, offset);
    this.socket.write(out);
  }

  /** Stops reading: what the server writes piles up in the kernel, then in the server. */
  stopReading(): void {
    this.socket.pause();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
