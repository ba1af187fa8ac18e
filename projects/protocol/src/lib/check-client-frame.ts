import { checkTyped, FrameCheck, parseFrame } from './frame-check';
import { isString } from './field-rule';
import { ClientFrame } from './frames';
import { CLIENT_FRAME_SCHEMAS } from './frame-schemas';

/** Longest client frame accepted by default, in characters. */
export const DEFAULT_CLIENT_FRAME_LENGTH = 64 * 1024;

/** Checks a frame a client sent; the lean core of `decodeClientFrame`. Never throws. */
export function checkClientFrame(
  raw: unknown,
  maxLength = DEFAULT_CLIENT_FRAME_LENGTH,
): FrameCheck<ClientFrame> {
  const parsed = parseFrame(raw, maxLength);
  if (!parsed.ok) return parsed;
  const frame = parsed.frame;
  return typeof frame['type'] === 'string'
    ? checkTyped(frame, CLIENT_FRAME_SCHEMAS)
    : { ok: false, violation: { code: 'bad_field', field: 'type', rule: isString } };
}
