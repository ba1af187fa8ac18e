import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error';

/** Larger bodies are refused with 413: every demo request body is a few dozen bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

/** JSON is UTF-8 (RFC 8259): bytes that are not are refused, not stored as U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads the request body as one JSON object. Requiring `application/json` also keeps plain HTML
 * forms on other origins from posting here without a CORS preflight.
 */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new ApiError(
      415,
      'unsupported_media_type',
      `expected content-type application/json, got ${type || 'none'}`,
    );
  }
  const declared = Number(req.headers['content-length']);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const body = await readBody(req);
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(body));
  } catch (error) {
    throw new ApiError(400, 'invalid_json', `body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(400, 'invalid_json', 'body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/**
 * The body, or a 413 as soon as it passes `MAX_BODY_BYTES`. Listeners rather than `for await`:
 * leaving a `for await` loop early destroys the request, and with it the socket the 413 must
 * still be written to while the client is sending (see discardUnreadBody).
 */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) settle(() => reject(tooLarge()));
      else chunks.push(chunk);
    };
    const onEnd = () => settle(() => resolve(Buffer.concat(chunks)));
    const onError = (error: Error) => settle(() => reject(error));
    const onClose = () => onError(new Error('the request closed before its body ended'));
    const settle = (then: () => void) => {
      // The stream keeps flowing without these listeners: the rest is discarded, not buffered.
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      then();
    };
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

function tooLarge(): ApiError {
  return new ApiError(413, 'payload_too_large', `body exceeds ${MAX_BODY_BYTES} bytes`);
}
