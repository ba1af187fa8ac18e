import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** Answers a refused upgrade with an HTTP status before any WebSocket exists. */
export function abortHandshake(socket: Duplex, status: number, message: string): void {
  if (socket.writable) {
    const body = `${message}\n`;
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
