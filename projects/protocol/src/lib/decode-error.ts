/** Why a frame was rejected. */
export type DecodeErrorCode =
  /** A binary frame or something that is not a string. */
  | 'not_text'
  /** Longer than the decoder's `maxLength`. */
  | 'too_large'
  /** Not parseable JSON (includes nesting too deep for the parser). */
  | 'not_json'
  /** Valid JSON, but not a single object. */
  | 'not_object'
  /** A control frame whose `type` this side does not know. */
  | 'unknown_type'
  /** A known frame with a missing or mistyped field, or one over a limit. */
  | 'bad_field';

/** A rejected frame. Decoders return this; they never throw. */
export interface DecodeError {
  code: DecodeErrorCode;
  /** A sentence naming the field and the rule, fit for an error frame or a log. */
  message: string;
  /** The offending field, when there is one. */
  field?: string;
}

export type DecodeResult<T> = { ok: true; frame: T } | { ok: false; error: DecodeError };
