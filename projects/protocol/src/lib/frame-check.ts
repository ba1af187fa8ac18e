import { DecodeErrorCode } from './decode-error';
import { FieldRule } from './field-rule';
import { FrameSchema } from './frame-schemas';

/**
 * Why a frame was rejected, without the sentence: what `checkServerFrame` returns, so that a
 * browser bundle carries the rules but not their wording. `decodeServerFrame` adds the sentence.
 */
export interface Violation {
  code: DecodeErrorCode;
  /** The offending field, when there is one. */
  field?: string;
  /** The rule that field broke (`bad_field`). */
  rule?: FieldRule;
  /** The unknown `type` (`unknown_type`), or the frame's length (`too_large`). */
  detail?: string | number;
}

export type FrameCheck<T> = { ok: true; frame: T } | { ok: false; violation: Violation };

/** Parses one JSON object no longer than `maxLength` characters. Never throws. */
export function parseFrame(raw: unknown, maxLength: number): FrameCheck<Record<string, unknown>> {
  if (typeof raw !== 'string') return violation('not_text');
  if (raw.length > maxLength) return violation('too_large', undefined, raw.length);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    // Also catches RangeError from pathologically deep nesting.
    return violation('not_json');
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? { ok: true, frame: value as Record<string, unknown> }
    : violation('not_object');
}

/**
 * Checks `frame` against the schema for its `type` in `schemas`; `type` must already be a string.
 * Own properties only: a `type` of "__proto__" or "toString" is unknown, not a schema.
 */
export function checkTyped<T>(
  frame: Record<string, unknown>,
  schemas: Readonly<Record<string, FrameSchema>>,
): FrameCheck<T> {
  const type = frame['type'] as string;
  return Object.hasOwn(schemas, type)
    ? checkFields(frame, schemas[type])
    : violation('unknown_type', 'type', type);
}

/** The first field of `frame` that breaks `schema`, or the frame itself. */
export function checkFields<T>(frame: Record<string, unknown>, schema: FrameSchema): FrameCheck<T> {
  for (const field in schema) {
    const rule = schema[field];
    if (!rule(frame[field]))
      return { ok: false, violation: { code: 'bad_field', field, rule: rule.base ?? rule } };
  }
  return { ok: true, frame: frame as T };
}

export function violation(
  code: DecodeErrorCode,
  field?: string,
  detail?: string | number,
): { ok: false; violation: Violation } {
  return { ok: false, violation: { code, field, detail } };
}
