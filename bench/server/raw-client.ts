/**
 * A minimal WebSocket client on a raw TCP socket: the handshake, masked text frames out, and a
 * complete reader for what a server sends (text, binary, continuation, ping, close; 7-, 16- and
 * 64-bit lengths). Benchmark clients must cost far less than the server they measure: 1,000
 * clients share one or two cores here, where in production each is a browser with its own.
 *
 * The cost that matters is per read, not per byte. A `ws` client runs every read through a
 * net.Socket stream, a fresh Buffer and ws's own Writable parser; here every socket reads into
 * one shared buffer (net's `onread`), which JavaScript parses in place and leaves before the
 * next read, so a read costs the syscall and one callback. Only a frame cut by a read boundary
 * is copied.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { monoMs } from '../lib/clock.ts';

export interface RawClient {
  socket: Socket;
  send(text: string): void;
}

export interface RawClientOptions {
  port: number;
  host?: string;
  path?: string;
  localAddress?: string;
  /**
   * Each text message: its UTF-8 bytes are buf[start, end), valid only during the call (the
   * buffer is reused by the next read). `at` is monoMs() when the read that completed it
   * returned: the time this process received it, the same for every message of one read.
   */
  onText: (buf: Buffer, start: number, end: number, at: number, client: RawClient) => void;
  /** The connection ended (closed by either side, or failed after the handshake). */
  onClose?: () => void;
}

// Reads are synchronous and parsed before the callback returns, so every socket can share it.
const shared = Buffer.allocUnsafe(256 * 1024);

export function openRawClient(o: RawClientOptions): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString('base64');
    let handshaken = false;
    /** Bytes of an incomplete frame (or handshake) left by the previous read. */
    let pending: Buffer | null = null;
    /** Payloads of a fragmented message, until its final frame. */
    let fragments: Buffer[] | null = null;
    let fragmentText = false;

    const frame = (opcode: number, payload: Buffer) => {
      const len = payload.length;
      // Zero mask key: valid, and XOR with zeros leaves the payload as is.
      const head = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len, 0, 0, 0, 0]) : Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 255, 0, 0, 0, 0]);
      socket.write(len === 0 ? head : Buffer.concat([head, payload]));
    };
    const client: RawClient = { socket: undefined as unknown as Socket, send: (text) => frame(0x1, Buffer.from(text)) };

    /** Parses whole frames in buf[start, end); returns where the first incomplete one begins. */
    const parse = (buf: Buffer, start: number, end: number, at: number): number => {
      let i = start;
      while (i + 2 <= end) {
        const fin = buf[i] & 0x80;
        const opcode = buf[i] & 0x0f;
        let len = buf[i + 1] & 0x7f;
        let off = 2;
        if (len === 126) {
          if (i + 4 > end) break;
          len = buf.readUInt16BE(i + 2);
          off = 4;
        } else if (len === 127) {
          if (i + 10 > end) break;
          len = Number(buf.readBigUInt64BE(i + 2));
          off = 10;
        }
        if (buf[i + 1] & 0x80) throw new Error('raw-client: the server sent a masked frame');
        if (i + off + len > end) break;
        const p = i + off;
        i = p + len;
        if (opcode === 0x1 && fin) o.onText(buf, p, i, at, client);
        else if (opcode === 0x1 || opcode === 0x2) {
          fragments = [Buffer.from(buf.subarray(p, i))];
          fragmentText = opcode === 0x1;
        } else if (opcode === 0x0 && fragments) {
          fragments.push(Buffer.from(buf.subarray(p, i)));
          if (fin) {
            const whole = Buffer.concat(fragments);
            fragments = null;
            if (fragmentText) o.onText(whole, 0, whole.length, at, client);
          }
        } else if (opcode === 0x9) frame(0xa, Buffer.from(buf.subarray(p, i)));
        else if (opcode === 0x8) {
          frame(0x8, Buffer.from(buf.subarray(p, Math.min(i, p + 2))));
          socket.end();
          return end;
        }
      }
      return i;
    };

    const onBytes = (buf: Buffer, start: number, end: number) => {
      if (!handshaken) {
        const stop = buf.indexOf('\r\n\r\n', start);
        if (stop === -1 || stop + 4 > end) {
          pending = Buffer.from(buf.subarray(start, end));
          return;
        }
        const status = buf.toString('latin1', start, Math.min(end, start + 12));
        if (!status.includes(' 101')) {
          socket.destroy();
          return reject(new Error(`raw-client: handshake refused: ${buf.toString('latin1', start, stop)}`));
        }
        handshaken = true;
        resolve(client);
        start = stop + 4;
      }
      const rest = parse(buf, start, end, monoMs());
      if (rest < end) pending = Buffer.from(buf.subarray(rest, end));
    };

    const socket = tcpConnect({
      port: o.port,
      host: o.host ?? '127.0.0.1',
      ...(o.localAddress ? { localAddress: o.localAddress } : {}),
      onread: {
        buffer: shared,
        callback: (nread: number, buf: Uint8Array) => {
          const b = buf as Buffer;
          if (pending === null) onBytes(b, 0, nread);
          else {
            const joined = Buffer.concat([pending, b.subarray(0, nread)]);
            pending = null;
            onBytes(joined, 0, joined.length);
          }
          return true;
        },
      },
    });
    client.socket = socket;
    socket.setNoDelay(true);
    socket.on('error', (e) => {
      if (!handshaken) reject(e);
    });
    socket.on('close', () => o.onClose?.());
    socket.on('connect', () => {
      socket.write(
        `GET ${o.path ?? '/'} HTTP/1.1\r\nHost: ${o.host ?? '127.0.0.1'}:${o.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
  });
}
