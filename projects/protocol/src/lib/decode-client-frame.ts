import { checkClientFrame, DEFAULT_CLIENT_FRAME_LENGTH } from './check-client-frame';
import { DecodeResult } from './decode-error';
import { describeViolation } from './describe-violation';
import { ClientFrame } from './frames';

export interface DecodeClientFrameOptions {
  /** Longest frame accepted, in characters. Default 64 KiB. */
  maxLength?: number;
}

/**
 * Decodes a frame a client sent. Returns a typed frame or a typed error; never throws,
 * whatever the input (binary, non-JSON, arrays, wrong types, huge numbers, deep nesting).
 *
 * @example
 * const result = decodeClientFrame(text);
 * if (!result.ok) socket.send(encodeFrame({ type: 'error', code: 'bad_request', message: result.error.message }));
 */
export function decodeClientFrame(
  raw: unknown,
  options: DecodeClientFrameOptions = {},
): DecodeResult<ClientFrame> {
  const maxLength = options.maxLength ?? DEFAULT_CLIENT_FRAME_LENGTH;
  const result = checkClientFrame(raw, maxLength);
  return result.ok
    ? result
    : { ok: false, error: describeViolation(result.violation, 'client', maxLength) };
}
