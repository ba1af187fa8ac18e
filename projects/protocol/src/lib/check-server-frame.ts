import { checkFields, checkTyped, FrameCheck, parseFrame, violation } from './frame-check';
import { ServerFrame } from './frames';
import { CONTROL_FRAME_SCHEMAS, NOTIFICATION_SCHEMA } from './frame-schemas';

/** Longest server frame accepted by default, in characters: 16 Mi. */
export const DEFAULT_SERVER_FRAME_LENGTH = 16 * 1024 * 1024;

/**
 * Checks a frame a server sent: a notification (any object with a `collection`) or one of the
 * control frames. The lean core of `decodeServerFrame`: the same rules, no sentences, never throws.
 *
 * @example
 * const result = checkServerFrame(event.data);
 * if (!result.ok) console.warn(result.violation.code, result.violation.field);
 */
export function checkServerFrame(
  raw: unknown,
  maxLength = DEFAULT_SERVER_FRAME_LENGTH,
): FrameCheck<ServerFrame> {
  const parsed = parseFrame(raw, maxLength);
  if (!parsed.ok) return parsed;
  const frame = parsed.frame;
  if ('collection' in frame) return checkFields(frame, NOTIFICATION_SCHEMA);
  return typeof frame['type'] === 'string'
    ? checkTyped(frame, CONTROL_FRAME_SCHEMAS)
    : violation('not_object', 'type');
}
