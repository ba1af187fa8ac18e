import { checkServerFrame, DEFAULT_SERVER_FRAME_LENGTH } from './check-server-frame';
import { DecodeResult } from './decode-error';
import { describeViolation } from './describe-violation';
import { ServerFrame } from './frames';

export interface DecodeServerFrameOptions {
  /** Longest frame accepted, in characters. Default 16 MiB. */
  maxLength?: number;
}

/**
 * Decodes a frame a server sent: a notification (any object with a string `collection`) or
 * one of the control frames. Returns a typed frame or a typed error; never throws.
 *
 * @example
 * const result = decodeServerFrame(event.data);
 * if (result.ok && isNotification(result.frame)) console.log(result.frame.collection);
 */
export function decodeServerFrame(
  raw: unknown,
  options: DecodeServerFrameOptions = {},
): DecodeResult<ServerFrame> {
  const maxLength = options.maxLength ?? DEFAULT_SERVER_FRAME_LENGTH;
  const result = checkServerFrame(raw, maxLength);
  return result.ok
    ? result
    : { ok: false, error: describeViolation(result.violation, 'server', maxLength) };
}
