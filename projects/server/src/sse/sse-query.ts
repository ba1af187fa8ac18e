import { Limits } from '@changefeed/protocol';

/** What `GET <ssePath>?collections=a,b&ids=7,8` asks for, or why it is a 400. */
export type SseQuery = { collections: string[]; ids: string[] | undefined } | { error: string };

function list(value: string): string[] {
  return [...new Set(value.split(',').map((c) => c.trim()))];
}

/**
 * `collections` (required): comma-separated names, as a WebSocket `subscribe` lists them.
 * `ids` (optional): comma-separated row ids narrowing those collections, as `subscribe.ids` does
 * (ids in a query are strings; they match numeric ids of notifications, as on WebSocket).
 */
export function parseSseQuery(params: URLSearchParams): SseQuery {
  const value = params.get('collections');
  if (value === null) return { error: 'missing "collections" query parameter, e.g. ?collections=forums,containers' };
  const collections = list(value);
  if (collections.some((c) => c.length === 0 || c.length > Limits.collectionLength)) {
    return { error: `"collections" must be a comma-separated list of names of 1 to ${Limits.collectionLength} characters` };
  }
  if (collections.length > Limits.collectionsPerFrame) return { error: `"collections" may list at most ${Limits.collectionsPerFrame} names` };
  const idsValue = params.get('ids');
  if (idsValue === null) return { collections, ids: undefined };
  const ids = list(idsValue);
  if (ids.some((id) => id.length === 0 || id.length > Limits.idLength) || ids.length > Limits.idsPerFrame) {
    return { error: `"ids" must be a comma-separated list of at most ${Limits.idsPerFrame} row ids of 1 to ${Limits.idLength} characters` };
  }
  return { collections, ids };
}

/** Parses `<epoch>:<seq>`; anything else yields an epoch that can never match (→ reset). */
export function parseLastEventId(value: string | undefined): { epoch?: string; after?: number } {
  if (value === undefined || value === '') return {};
  const m = /^(.{1,128}):(\d{1,15})$/.exec(value);
  if (!m) return { epoch: '', after: 0 };
  return { epoch: m[1], after: Number(m[2]) };
}
