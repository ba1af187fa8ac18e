import { DecodeResult } from './decode-error';
import { ClientFrame } from './frames';
import { Limits } from './limits';
import { badField, checkCollections, checkIds, fail, isSeq, parseObject } from './validate';

export interface DecodeClientFrameOptions {
  /** Longest frame accepted, in characters. Default 64 KiB. */
  maxLength?: number;
}

const DEFAULT_MAX_LENGTH = 64 * 1024;

/**
 * Decodes a frame a client sent. Returns a typed frame or a typed error; never throws,
 * whatever the input (binary, non-JSON, arrays, wrong types, huge numbers, deep nesting).
 *
 * @example
 * const result = decodeClientFrame(text);
 * if (!result.ok) socket.send(encodeFrame({ type: 'error', code: 'bad_request', message: result.error.message }));
 */
export function decodeClientFrame(raw: unknown, options: DecodeClientFrameOptions = {}): DecodeResult<ClientFrame> {
  const parsed = parseObject(raw, options.maxLength ?? DEFAULT_MAX_LENGTH);
  if (!parsed.ok) return parsed;
  const o = parsed.frame;
  switch (o['type']) {
    case 'subscribe':
    case 'unsubscribe': {
      const bad = checkCollections(o['collections']) ?? checkIds(o['ids']);
      if (bad) return bad;
      break;
    }
    case 'resume':
      if (typeof o['epoch'] !== 'string' || o['epoch'].length === 0 || o['epoch'].length > Limits.epochLength) {
        return badField('epoch', `must be a non-empty string of at most ${Limits.epochLength} characters`);
      }
      if (!isSeq(o['after'])) return badField('after', 'must be a non-negative safe integer');
      break;
    case 'ping':
      break;
    default:
      if (typeof o['type'] !== 'string') return badField('type', 'must be a string');
      return fail('unknown_type', `unknown client frame type "${o['type'].slice(0, 64)}"`, 'type');
  }
  return { ok: true, frame: o as unknown as ClientFrame };
}
