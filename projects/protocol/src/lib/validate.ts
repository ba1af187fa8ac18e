import { DecodeError, DecodeResult } from './decode-error';
import { Limits } from './limits';
import { RowId } from './frames';

/** Parses one JSON object, or explains why not. Never throws. */
export function parseObject(raw: unknown, maxLength: number): DecodeResult<Record<string, unknown>> {
  if (typeof raw !== 'string') {
    return fail('not_text', 'frames must be JSON text, not binary');
  }
  if (raw.length > maxLength) {
    return fail('too_large', `frame of ${raw.length} characters exceeds the limit of ${maxLength}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    // Also catches RangeError from pathologically deep nesting.
    return fail('not_json', 'frame is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail('not_object', 'frame must be a JSON object');
  }
  return { ok: true, frame: value as Record<string, unknown> };
}

export function fail(code: DecodeError['code'], message: string, field?: string): { ok: false; error: DecodeError } {
  return { ok: false, error: field === undefined ? { code, message } : { code, message, field } };
}

export function badField(field: string, rule: string): { ok: false; error: DecodeError } {
  return fail('bad_field', `"${field}" ${rule}`, field);
}

export function isCollection(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= Limits.collectionLength;
}

export function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function isRowId(value: unknown): value is RowId {
  return typeof value === 'string'
    ? value.length <= Limits.idLength
    : typeof value === 'number' && Number.isFinite(value);
}

/** Checks a non-empty list of collection names; returns an error result or undefined. */
export function checkCollections(value: unknown, field = 'collections') {
  if (!Array.isArray(value) || value.length === 0) {
    return badField(field, 'must be a non-empty array of collection names');
  }
  if (value.length > Limits.collectionsPerFrame) {
    return badField(field, `must list at most ${Limits.collectionsPerFrame} collections`);
  }
  for (const c of value) {
    if (!isCollection(c)) {
      return badField(field, `must contain only non-empty strings of at most ${Limits.collectionLength} characters`);
    }
  }
  return undefined;
}

/** Checks an optional list of row ids; returns an error result or undefined. */
export function checkIds(value: unknown) {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    return badField('ids', 'must be a non-empty array of strings or numbers when present');
  }
  if (value.length > Limits.idsPerFrame) {
    return badField('ids', `must list at most ${Limits.idsPerFrame} ids`);
  }
  for (const id of value) {
    if (!isRowId(id)) {
      return badField('ids', `must contain only finite numbers or strings of at most ${Limits.idLength} characters`);
    }
  }
  return undefined;
}
