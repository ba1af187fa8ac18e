import { ApiError } from './api-error';
import { parseId } from './parse-id';

/** Names are trimmed; 1–100 characters, the same bounds as the table's check constraint. */
export const MAX_NAME_LENGTH = 100;

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
    return this.body[field] !== undefined;
  }

  name(field: string): string {
    const value = this.body[field];
    if (value === undefined) throw ApiError.invalidField(field, 'is required');
    if (typeof value !== 'string') throw ApiError.invalidField(field, 'must be a string');
    const name = value.trim();
    if (name.length === 0) throw ApiError.invalidField(field, 'must not be empty');
    if (name.length > MAX_NAME_LENGTH)
      throw ApiError.invalidField(field, `must be at most ${MAX_NAME_LENGTH} characters`);
    return name;
  }

  id(field: string): number {
    if (this.body[field] === undefined) throw ApiError.invalidField(field, 'is required');
    return parseId(this.body[field], field);
  }

  integer(field: string, min: number, max: number, fallback: number): number {
    const value = this.body[field];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw ApiError.invalidField(field, `must be an integer from ${min} to ${max}`);
    }
    return value;
  }

  /** Refuses a body that changes nothing (e.g. `PATCH {}`), naming the fields it could carry. */
  requireOneOf(...fields: string[]): void {
    if (!fields.some((field) => this.has(field))) {
      throw ApiError.invalidField(fields[0]!, `at least one of ${fields.join(', ')} is required`);
    }
  }
}
