/**
 * A minimal WebSocket client on a raw TCP socket: handshake, masked text frames out, and a frame
 * parser that only reads headers unless asked for payloads. Benchmark clients must cost far less
 * than the server they measure, and a full `ws` client per connection would not.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface RawClient {
  socket: Socket;
  /** Text frames received since the last `resetCount()`. */
  count: number;
  send(text: string): void;
  resetCount(): void;
}

export interface RawClientOptions {
  port: number;
  host?: string;
  path?: string;
  /** Called with each text payload (only when given: parsing payloads costs). */
  onText?: (payload: Buffer, at: number, client: RawClient) => void;
  /** Called with each text frame count increment (cheap). */
  onFrame?: () => void;
}

export function openRawClient(o: RawClientOptions): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ port: o.port, host: o.host ?? '127.0.0.1' });
    socket.setNoDelay(true);
    const key = randomBytes(16).toString('base64');
    let handshaken = false;
    let pending: Buffer | null = null;
    const client: RawClient = {
      socket,
      count: 0,
      send(text) {
        const payload = Buffer.from(text);
        // Zero mask key: valid, and XOR with zeros leaves the payload as is.
        const len = payload.length;
        const header = len < 126 ? Buffer.from([0x81, 0x80 | len, 0, 0, 0, 0]) : Buffer.from([0x81, 0x80 | 126, len >> 8, len & 255, 0, 0, 0, 0]);
        socket.write(Buffer.concat([header, payload]));
      },
      resetCount() {
        client.count = 0;
      },
    };
    socket.on('error', (e) => {
      if (!handshaken) reject(e);
    });
    socket.on('connect', () => {
      socket.write(
        `GET ${o.path ?? '/ws'} HTTP/1.1\r\nHost: 127.0.0.1:${o.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      let buf = pending ? Buffer.concat([pending, chunk]) : chunk;
      pending = null;
      if (!handshaken) {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) {
          pending = buf;
          return;
        }
        if (!buf.subarray(0, 12).toString().includes('101')) return reject(new Error(buf.subarray(0, end).toString()));
        handshaken = true;
        resolve(client);
        buf = buf.subarray(end + 4);
      }
      let i = 0;
      const at = o.onText ? performance.timeOrigin + performance.now() : 0;
      while (i + 2 <= buf.length) {
        const opcode = buf[i] & 0x0f;
        let len = buf[i + 1] & 0x7f;
        let off = 2;
        if (len === 126) {
          if (i + 4 > buf.length) break;
          len = buf.readUInt16BE(i + 2);
          off = 4;
        } else if (len === 127) {
          if (i + 10 > buf.length) break;
          len = Number(buf.readBigUInt64BE(i + 2));
          off = 10;
        }
        if (i + off + len > buf.length) break;
        if (opcode === 1) {
          client.count++;
          o.onFrame?.();
          o.onText?.(buf.subarray(i + off, i + off + len), at, client);
        } else if (opcode === 9) {
          // Answer pings so heartbeats do not drop idle benchmark connections.
          socket.write(Buffer.from([0x8a, 0x80, 0, 0, 0, 0]));
        }
        i += off + len;
      }
      if (i < buf.length) pending = Buffer.from(buf.subarray(i));
    });
  });
}
