import { DecodeResult } from './decode-error';
import { ControlFrame, Notification, ServerFrame } from './frames';
import { Limits } from './limits';
import { badField, checkCollections, checkIds, fail, isCollection, isRowId, isSeq, parseObject } from './validate';

export interface DecodeServerFrameOptions {
  /** Longest frame accepted, in characters. Default 16 MiB. */
  maxLength?: number;
}

const DEFAULT_MAX_LENGTH = 16 * 1024 * 1024;

/**
 * Decodes a frame a server sent: a notification (any object with a string `collection`) or
 * one of the control frames. Returns a typed frame or a typed error; never throws.
 *
 * @example
 * const result = decodeServerFrame(event.data);
 * if (result.ok && isNotification(result.frame)) console.log(result.frame.collection);
 */
export function decodeServerFrame(raw: unknown, options: DecodeServerFrameOptions = {}): DecodeResult<ServerFrame> {
  const parsed = parseObject(raw, options.maxLength ?? DEFAULT_MAX_LENGTH);
  if (!parsed.ok) return parsed;
  const o = parsed.frame;
  if ('collection' in o) return decodeNotification(o);
  if (typeof o['type'] !== 'string') {
    return fail('not_object', 'frame has neither a string "collection" nor a string "type"');
  }
  return decodeControl(o);
}

function decodeNotification(o: Record<string, unknown>): DecodeResult<Notification> {
  if (!isCollection(o['collection'])) {
    return badField('collection', `must be a non-empty string of at most ${Limits.collectionLength} characters`);
  }
  if (o['op'] !== undefined && typeof o['op'] !== 'string') return badField('op', 'must be a string when present');
  if (o['id'] !== undefined && !isRowId(o['id'])) {
    return badField('id', `must be a finite number or a string of at most ${Limits.idLength} characters`);
  }
  if (o['seq'] !== undefined && !isSeq(o['seq'])) return badField('seq', 'must be a non-negative safe integer');
  return { ok: true, frame: o as Notification };
}

function decodeControl(o: Record<string, unknown>): DecodeResult<ControlFrame> {
  switch (o['type']) {
    case 'welcome':
      if (typeof o['protocol'] !== 'number' || !Number.isSafeInteger(o['protocol'])) {
        return badField('protocol', 'must be an integer');
      }
      if (typeof o['epoch'] !== 'string' || o['epoch'].length === 0 || o['epoch'].length > Limits.epochLength) {
        return badField('epoch', `must be a non-empty string of at most ${Limits.epochLength} characters`);
      }
      if (!isSeq(o['seq'])) return badField('seq', 'must be a non-negative safe integer');
      if (!isSeq(o['heartbeat'])) return badField('heartbeat', 'must be a non-negative integer (ms)');
      break;
    case 'subscribed': {
      const bad = checkCollections(o['collections']) ?? checkIds(o['ids']);
      if (bad) return bad;
      if (!isSeq(o['seq'])) return badField('seq', 'must be a non-negative safe integer');
      break;
    }
    case 'reset': {
      const bad = checkCollections(o['collections']);
      if (bad) return bad;
      break;
    }
    case 'pong':
      break;
    case 'error':
      if (typeof o['code'] !== 'string') return badField('code', 'must be a string');
      if (typeof o['message'] !== 'string') return badField('message', 'must be a string');
      if (o['collections'] !== undefined) {
        const bad = checkCollections(o['collections']);
        if (bad) return bad;
      }
      break;
    default:
      return fail('unknown_type', `unknown server frame type "${String(o['type']).slice(0, 64)}"`, 'type');
  }
  return { ok: true, frame: o as unknown as ControlFrame };
}
