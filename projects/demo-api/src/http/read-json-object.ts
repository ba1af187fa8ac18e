import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error';

/** Larger bodies are refused with 413: every demo request body is a few dozen bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

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
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new ApiError(400, 'invalid_json', `body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(400, 'invalid_json', 'body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function tooLarge(): ApiError {
  return new ApiError(413, 'payload_too_large', `body exceeds ${MAX_BODY_BYTES} bytes`);
}
