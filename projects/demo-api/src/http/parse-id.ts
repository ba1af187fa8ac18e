import { ApiError } from './api-error';

/** Ids are Postgres `integer`s: 1 … 2^31-1. */
const MAX_ID = 2_147_483_647;

/**
 * Parses a row id from a path segment, a query parameter (strings) or a JSON field (number),
 * answering 400 naming `field` for anything else.
 */
export function parseId(value: unknown, field: string): number {
  const id = typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > MAX_ID) {
    throw ApiError.invalidField(
      field,
      `must be a positive integer id, got ${JSON.stringify(value) ?? 'nothing'}`,
    );
  }
  return id;
}
