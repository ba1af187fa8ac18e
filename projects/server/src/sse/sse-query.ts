import { Limits } from '@changefeed/protocol';

/**
 * What `GET <ssePath>?collections=a,b&ids=7,8&ids.b=9` asks for, or why it is a 400. `rows`: the
 * collections an `ids.<collection>` parameter narrows to rows of their own.
 */
export type SseQuery =
  | { collections: string[]; ids: string[] | undefined; rows: Map<string, string[]> }
  | { error: string };

function list(value: string): string[] {
  return [...new Set(value.split(',').map((c) => c.trim()))];
}

/** A comma-separated list of row ids, or undefined when it breaks the limits. */
function idList(value: string): string[] | undefined {
  const ids = list(value);
  return ids.some((id) => id.length === 0 || id.length > Limits.idLength) ||
    ids.length > Limits.idsPerFrame
    ? undefined
    : ids;
}

const IDS_ERROR = `must be a comma-separated list of at most ${Limits.idsPerFrame} row ids of 1 to ${Limits.idLength} characters`;

/**
 * `collections` (required): comma-separated names, as a WebSocket `subscribe` lists them.
 * `ids` (optional): comma-separated row ids narrowing those collections, as `subscribe.ids` does
 * (ids in a query are strings; they match numeric ids of notifications, as on WebSocket).
 * `ids.<collection>` (optional, any number): narrows that listed collection to its own rows, so
 * one stream carries whole collections and rows of others, as several WebSocket `subscribe`
 * frames do (the SDK's `withEventSource()` asks this way).
 */
export function parseSseQuery(params: URLSearchParams): SseQuery {
  const value = params.get('collections');
  if (value === null)
    return { error: 'missing "collections" query parameter, e.g. ?collections=forums,containers' };
  const collections = list(value);
  if (collections.some((c) => c.length === 0 || c.length > Limits.collectionLength)) {
    return {
      error: `"collections" must be a comma-separated list of names of 1 to ${Limits.collectionLength} characters`,
    };
  }
  if (collections.length > Limits.collectionsPerFrame)
    return { error: `"collections" may list at most ${Limits.collectionsPerFrame} names` };
  const idsValue = params.get('ids');
  const ids = idsValue === null ? undefined : idList(idsValue);
  if (idsValue !== null && !ids) return { error: `"ids" ${IDS_ERROR}` };
  const rows = new Map<string, string[]>();
  for (const [name, value] of params) {
    if (!name.startsWith('ids.')) continue;
    const collection = name.slice(4);
    if (!collections.includes(collection))
      return { error: `"${name}" names a collection that "collections" does not list` };
    const narrowed = idList(value);
    if (!narrowed) return { error: `"${name}" ${IDS_ERROR}` };
    rows.set(collection, narrowed);
  }
  return { collections, ids, rows };
}

/** Parses `<epoch>:<seq>`; anything else yields an epoch that can never match (→ reset). */
export function parseLastEventId(value: string | undefined): { epoch?: string; after?: number } {
  if (value === undefined || value === '') return {};
  const m = /^(.{1,128}):(\d{1,15})$/.exec(value);
  if (!m) return { epoch: '', after: 0 };
  return { epoch: m[1], after: Number(m[2]) };
}
