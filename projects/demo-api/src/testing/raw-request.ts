import { connect, type Socket } from 'node:net';

/** One answer read off a raw socket, and how the socket ended. */
export interface RawAnswer {
  /** 0 when no status line arrived. */
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: string;
  /** Bytes of the request body the socket accepted before the answer was read. */
  sent: number;
  /** The socket error seen while sending or reading (`ECONNRESET`, `EPIPE`, `timeout`), if any. */
  error?: string;
}

/**
 * Sends a request byte for byte over TCP — `head` (request line and headers, up to the blank
 * line) then every `body` chunk, waiting for each to drain — and only then reads the answer:
 * for what fetch and http.request refuse or normalise (`GET //`, bad framing) and for the
 * harshest client of an oversized body, one that writes it all before it reads anything.
 */
export function rawRequest(
  port: number,
  head: string,
  body: Iterable<Buffer | string> = [],
  timeoutMs = 10_000,
): Promise<RawAnswer> {
  // An answer to HEAD declares a length but carries no body.
  const bodyless = head.startsWith('HEAD ');
  const isComplete = (text: string) => isCompleteAnswer(text, bodyless);
  return new Promise((resolve) => {
    // Half-open allowed: the client keeps sending after the server's FIN, as a careless one does.
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const received: Buffer[] = [];
    let sent = 0;
    let error: string | undefined;
    let sending = true;
    const finish = () => {
      if (!sending)
        resolve({ ...parseAnswer(Buffer.concat(received).toString('latin1')), sent, error });
    };
    socket.on('data', (chunk) => {
      received.push(chunk);
      // Read only what was needed: the answer is complete once its declared body is in.
      if (!sending && isComplete(Buffer.concat(received).toString('latin1'))) socket.destroy();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
    socket.setTimeout(timeoutMs, () => {
      error ??= 'timeout';
      socket.destroy();
    });
    socket.on('end', () => {
      if (!sending) socket.destroy();
    });
    socket.on('close', () => {
      sending = false;
      finish();
    });
    void (async () => {
      try {
        await write(socket, head);
        for (const chunk of body) {
          if (socket.destroyed) break;
          await write(socket, chunk);
          sent += Buffer.byteLength(chunk);
        }
      } catch {
        // the error listener has it
      }
      sending = false;
      if (socket.destroyed || isComplete(Buffer.concat(received).toString('latin1'))) {
        socket.destroy();
        finish();
      }
    })();
  });
}

/** A chunked-encoded body of `totalBytes` in chunks of `size`, ending with the last, empty chunk. */
export function* chunked(totalBytes: number, size = 64 * 1024): Generator<Buffer> {
  const payload = Buffer.alloc(size, 'a');
  for (let left = totalBytes; left > 0; left -= size) {
    const part = left >= size ? payload : payload.subarray(0, left);
    yield Buffer.concat([
      Buffer.from(`${part.length.toString(16)}\r\n`),
      part,
      Buffer.from('\r\n'),
    ]);
  }
  yield Buffer.from('0\r\n\r\n');
}

function write(socket: Socket, chunk: Buffer | string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed) return reject(new Error('closed'));
    if (socket.write(chunk)) return resolve();
    const done = () => {
      socket.off('drain', done).off('close', done);
      if (socket.destroyed) reject(new Error('closed'));
      else resolve();
    };
    socket.on('drain', done).on('close', done);
  });
}

function isCompleteAnswer(received: string, bodyless: boolean): boolean {
  const text = withoutInterimAnswers(received);
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return false;
  const length = bodyless ? 0 : Number(parseAnswer(text).headers['content-length'] ?? 0);
  return text.length - (end + 4) >= length;
}

/** Interim answers (`100 Continue`) come first; the final one is what the request got. */
function withoutInterimAnswers(received: string): string {
  return received.replace(/^(HTTP\/1\.[01] 1\d\d[^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, '');
}

function parseAnswer(received: string): Omit<RawAnswer, 'sent' | 'error'> {
  const text = withoutInterimAnswers(received);
  const end = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = (end === -1 ? text : text.slice(0, end)).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return {
    status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0),
    headers,
    body: end === -1 ? '' : Buffer.from(text.slice(end + 4), 'latin1').toString('utf8'),
  };
}
