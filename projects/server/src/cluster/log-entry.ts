import type { LogEntry } from './shared-log.js';

/** A stream entry as Redis returns it (RESP2): `[id, [field, value, …]]`. */
export type StreamRow = [id: string, fields: string[]];

/** The `<ems>-<seq>` stream id of a seq in an epoch whose entries carry `ems`. */
export function entryId(ems: string, seq: number): string {
  return `${ems}-${seq}`;
}

/**
 * Reads an entry this package wrote (`e <epoch>` then `d <data>` or `r <reason>`, id
 * `<ems>-<seq>`); undefined for anything else.
 */
export function parseRow([id, fields]: StreamRow): LogEntry | undefined {
  const dash = id.indexOf('-');
  const seq = Number(id.slice(dash + 1));
  if (dash <= 0 || !Number.isSafeInteger(seq) || seq < 1) return undefined;
  if (fields.length !== 4 || fields[0] !== 'e' || (fields[2] !== 'd' && fields[2] !== 'r'))
    return undefined;
  return { epoch: fields[1], seq, kind: fields[2] === 'd' ? 'data' : 'reset', body: fields[3] };
}
