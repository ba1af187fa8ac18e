import type { Notification } from '@changefeed/protocol';
import { PG_MAX_IDENTIFIER } from '../constants.js';
import { ChangefeedError, ChangefeedTypeError, ErrorCode } from '../errors.js';

/**
 * Turns a NOTIFY payload into a notification: the trigger's JSON `{collection, op, id}`, or a
 * bare collection name (`NOTIFY changefeed, 'forums'`). Anything else is reported, not dropped silently.
 */
export function parsePayload(
  payload: string | undefined,
  channel: string,
): Notification | ChangefeedError {
  const text = payload ?? '';
  if (text.startsWith('{')) {
    try {
      return JSON.parse(text) as Notification;
    } catch {
      // fall through to the error below
    }
  } else if (/^[^\s{}[\]"]{1,256}$/.test(text)) {
    return { collection: text };
  }
  return new ChangefeedError(
    ErrorCode.SourcePayload,
    `channel "${channel}" carried a payload that is not a notification: ${JSON.stringify(text.slice(0, 200))}`,
  );
}

/** Channel names go into LISTEN unquoted-safe: a plain identifier. */
export function checkChannel(channel: unknown, where: string): string {
  if (
    typeof channel !== 'string' ||
    !/^[A-Za-z_][A-Za-z0-9_]*$/.test(channel) ||
    channel.length > PG_MAX_IDENTIFIER
  ) {
    throw new ChangefeedTypeError(
      ErrorCode.InvalidOption,
      `${where}: channel must be an identifier (letters, digits, _; at most ${PG_MAX_IDENTIFIER} characters), got ${JSON.stringify(channel)}`,
    );
  }
  return channel;
}
