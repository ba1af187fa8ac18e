import { Limits, type Notification } from '@changefeed/protocol';
import { ChangefeedTypeError, ErrorCode } from '../errors.js';

function invalid(message: string): never {
  throw new ChangefeedTypeError(ErrorCode.InvalidNotification, `notify(): ${message}`);
}

/**
 * Checks what `notify()` and sources hand the hub against the protocol's notification rules, so a
 * bad one fails loudly at the call site instead of reaching clients as a malformed frame.
 */
export function validateNotification(n: unknown): asserts n is Notification {
  if (n === null || typeof n !== 'object' || Array.isArray(n))
    invalid('expected an object like { collection, op?, id? }');
  const o = n as Record<string, unknown>;
  const c = o['collection'];
  if (typeof c !== 'string' || c.length === 0 || c.length > Limits.collectionLength) {
    invalid(
      `"collection" must be a non-empty string of at most ${Limits.collectionLength} characters`,
    );
  }
  const op = o['op'];
  if (op !== undefined && typeof op !== 'string') invalid('"op" must be a string when present');
  const id = o['id'];
  if (
    id !== undefined &&
    !(typeof id === 'string'
      ? id.length <= Limits.idLength
      : typeof id === 'number' && Number.isFinite(id))
  ) {
    invalid(`"id" must be a finite number or a string of at most ${Limits.idLength} characters`);
  }
  if ('type' in o && typeof o['type'] === 'string' && !('collection' in o))
    invalid('control frames cannot be notified');
}

/** Ids match across types: a trigger may send 7 where a client subscribed "7". */
export function idKey(id: unknown): string | undefined {
  return id === undefined || id === null ? undefined : String(id);
}
