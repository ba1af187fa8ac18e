import type { RowId } from '@changefeed/protocol';
import type { Entry } from './hub.js';

interface Subscription {
  /** Live from this seq on (exclusive): the head when it was acknowledged. */
  since: number;
  whole: boolean;
  /** Row ids as strings (a trigger may send 7 where a client subscribed "7"). */
  ids: Set<string> | undefined;
}

/** One connection's interest: collections, each whole or narrowed to row ids. */
export class Subscriptions {
  private readonly map = new Map<string, Subscription>();
  /** Row ids held over all collections. */
  idCount = 0;

  get size(): number {
    return this.map.size;
  }

  has(collection: string): boolean {
    return this.map.has(collection);
  }

  collections(): IterableIterator<string> {
    return this.map.keys();
  }

  /**
   * Adds interest, live after `head`. Returns true when the collection is new (to be indexed).
   * Widening or adding ids keeps the older `since`: nothing already live is lost.
   */
  add(collection: string, ids: RowId[] | undefined, head: number): boolean {
    const sub = this.map.get(collection);
    if (!sub) {
      this.map.set(collection, { since: head, whole: !ids, ids: ids && new Set(ids.map(String)) });
      if (ids) this.idCount += ids.length;
      return true;
    }
    if (!ids) {
      this.idCount -= sub.ids?.size ?? 0;
      sub.whole = true;
      sub.ids = undefined;
    } else if (!sub.whole) {
      for (const id of ids) {
        const key = String(id);
        if (!sub.ids!.has(key)) {
          sub.ids!.add(key);
          this.idCount++;
        }
      }
    }
    return false;
  }

  /**
   * Removes interest (the whole collection, or some of its ids). Returns true when the collection
   * is gone (to be unindexed). Row ids cannot be carved out of a whole-collection subscription.
   */
  remove(collection: string, ids: RowId[] | undefined): boolean {
    const sub = this.map.get(collection);
    if (!sub) return false;
    if (ids === undefined) {
      this.idCount -= sub.ids?.size ?? 0;
      this.map.delete(collection);
      return true;
    }
    if (sub.whole) return false;
    for (const id of ids) if (sub.ids!.delete(String(id))) this.idCount--;
    if (sub.ids!.size > 0) return false;
    this.map.delete(collection);
    return true;
  }

  /** Does the entry match, whatever its seq (replay)? Notifications without an id match every subscriber. */
  matches(e: Entry): boolean {
    const sub = this.map.get(e.collection);
    return sub !== undefined && (sub.whole || e.id === undefined || sub.ids!.has(e.id));
  }

  /** Does the entry match and come after the subscription went live (live delivery)? */
  wants(e: Entry): boolean {
    const sub = this.map.get(e.collection);
    return sub !== undefined && e.seq > sub.since && (sub.whole || e.id === undefined || sub.ids!.has(e.id));
  }
}
