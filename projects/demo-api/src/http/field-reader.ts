import { ApiError } from './api-error';
import { parseId } from './parse-id';

/** Names are trimmed; 1–100 characters, the same bounds as the table's check constraint. */
export const MAX_NAME_LENGTH = 100;

/** With the `u` flag a surrogate pair is one code point, so this matches unpaired halves only. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Reads typed fields out of a parsed JSON body. Fields not in `allowed` are refused, so a typo
 * such as `{"nmae": "x"}` is a 400 naming `nmae` instead of a silently ignored update.
 */
export class FieldReader {
  constructor(
    private readonly body: Record<string, unknown>,
    allowed: readonly string[],
  ) {
    const unknown = Object.keys(body).find((key) => !allowed.includes(key));
    if (unknown !== undefined) {
      throw ApiError.invalidField(unknown, `unknown field; allowed: ${allowed.join(', ')}`);
    }
  }

  has(field: string): boolean {
    return this.value(field) !== undefined;
  }

  name(field: string): string {
    const value = this.value(field);
    if (value === undefined) throw ApiError.invalidField(field, 'is required');
    if (typeof value !== 'string') throw ApiError.invalidField(field, 'must be a string');
    // Postgres text cannot hold NUL, and a lone surrogate would be stored as U+FFFD: both are
    // refused here rather than failing (500) or changing in the database.
    if (value.includes('\u0000'))
      throw ApiError.invalidField(field, 'must not contain NUL (\\u0000)');
    if (LONE_SURROGATE.test(value)) {
      throw ApiError.invalidField(field, 'must be valid Unicode (it has an unpaired surrogate)');
    }
    const name = value.trim();
    if (name.length === 0) throw ApiError.invalidField(field, 'must not be empty');
    if (name.length > MAX_NAME_LENGTH)
      throw ApiError.invalidField(field, `must be at most ${MAX_NAME_LENGTH} characters`);
    return name;
  }

  /** A JSON number: `"4"` is a string, refused like any other wrong type (path ids are strings). */
  id(field: string): number {
    const value = this.value(field);
    if (value === undefined) throw ApiError.invalidField(field, 'is required');
    if (typeof value !== 'number') {
      throw ApiError.invalidField(field, `must be a number, got ${JSON.stringify(value)}`);
    }
    return parseId(value, field);
  }

  integer(field: string, min: number, max: number, fallback: number): number {
    const value = this.value(field);
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw ApiError.invalidField(field, `must be an integer from ${min} to ${max}`);
    }
    return value;
  }

  /** Own members only: `{}` has no `constructor` field, whatever Object.prototype holds. */
  private value(field: string): unknown {
    return Object.hasOwn(this.body, field) ? this.body[field] : undefined;
  }

  /** Refuses a body that changes nothing (e.g. `PATCH {}`), naming the fields it could carry. */
  requireOneOf(...fields: string[]): void {
    if (!fields.some((field) => this.has(field))) {
      throw ApiError.invalidField(fields[0]!, `at least one of ${fields.join(', ')} is required`);
    }
  }
}
