import type { ServerResponse } from 'node:http';
import { DatabaseUnavailableError } from '../db/database-unavailable-error';
import { ApiError } from './api-error';
import { sendJson } from './send-json';

/**
 * Maps any failure of a request to a JSON error: `ApiError` as it says, an outage as 503, and
 * anything else (a bug) as a logged 500 without details. It is the last resort of every
 * request, so it never throws: when even the answer cannot be written, the connection is closed.
 */
export function answerError(res: ServerResponse, error: unknown): void {
  // The client is gone (it hung up mid-body, say): there is no one to answer and nothing to log.
  if (res.destroyed) return;
  const apiError =
    error instanceof ApiError
      ? error
      : error instanceof DatabaseUnavailableError
        ? new ApiError(
            503,
            'database_unavailable',
            'the database is unavailable, try again shortly',
          )
        : null;
  if (!apiError) console.error('demo-api: unexpected error', error);
  const answer = apiError ?? new ApiError(500, 'internal', 'internal error');
  try {
    if (res.headersSent) throw new Error('the answer had already started');
    const allow = answer.details?.['allow'];
    sendJson(res, answer.status, answer, {
      ...(Array.isArray(allow) ? { allow: allow.join(', ') } : {}),
      ...(answer.status === 503 ? { 'retry-after': '1' } : {}),
    });
  } catch {
    res.destroy();
  }
}
