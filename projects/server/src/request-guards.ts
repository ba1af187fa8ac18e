import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ResolvedOptions } from './options.js';

/**
 * Is this request's Origin allowed? No Origin header (a non-browser client, or a same-origin
 * EventSource GET) is allowed: Origin exists to stop other sites' pages, which always send it.
 */
export function originAllowed(req: IncomingMessage, origins: ResolvedOptions['origins']): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || origins === '*') return true;
  if (origins === 'same-origin') {
    try {
      return new URL(origin).host.toLowerCase() === (req.headers.host ?? '').toLowerCase();
    } catch {
      // "null" (sandboxed frames, file://) or garbage: never same-origin.
      return false;
    }
  }
  return origins.has(origin.toLowerCase());
}

/** The request's path without the query string. */
export function pathnameOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

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
