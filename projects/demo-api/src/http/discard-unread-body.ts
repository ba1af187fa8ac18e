import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * How much of a request body left unread by its answer (a 413, or a 400/404/405 answered before
 * reading) is read and thrown away, and for how long, before the connection is closed instead.
 */
export const MAX_DISCARDED_BYTES = 16 * 1024 * 1024;
export const MAX_DISCARD_MS = 10_000;

/**
 * Once the answer to `req` is sent, reads and discards the rest of its body (at most
 * `MAX_DISCARDED_BYTES` for at most `MAX_DISCARD_MS`), then lets the connection close or serve
 * the next request.
 *
 * Why: a socket closed while the client is still sending answers the bytes that keep arriving
 * with a TCP reset, and a reset can destroy the answer in the client's receive buffer before it
 * is read (a chunked body over the limit got its 413 followed by ECONNRESET, or nothing at all).
 * That happens in two ways, both handled here:
 * - leaving a `for await` over the request early destroys it (readJsonObject uses listeners);
 * - when the answer closes the connection (the client sent `Connection: close`), Node's server
 *   calls `socket.destroySoon()`, which ends our side and destroys the socket as soon as the
 *   FIN is flushed. Dropping that `'finish'` → `destroy` listener keeps the socket half-open
 *   (answer and FIN sent, still reading) until the client has sent the rest, as nginx's
 *   "lingering close" does. create-demo-api.spec.ts fails if Node stops doing it this way.
 */
export function discardUnreadBody(req: IncomingMessage, res: ServerResponse): void {
  res.once('finish', () => {
    if (req.complete || req.destroyed) return;
    const socket = req.socket;
    const closing = !res.shouldKeepAlive;
    if (closing) socket.removeListener('finish', socket.destroy);
    const giveUp = () => socket.destroy();
    const timer = setTimeout(giveUp, MAX_DISCARD_MS).unref();
    let discarded = 0;
    req
      .on('data', (chunk: Buffer) => {
        discarded += chunk.length;
        if (discarded > MAX_DISCARDED_BYTES) giveUp();
      })
      // All read, so closing now sends no reset: finish what destroySoon() would have done.
      .once('end', () => closing && giveUp())
      .once('close', () => clearTimeout(timer));
    req.resume();
  });
}
