import type { RowId } from '@changefeed/protocol';
import type { Entry } from './entry.js';

interface Subscription {
  /** Live from this seq on (exclusive): the head when it was first acknowledged. */
  since: number;
  /** How many whole-collection subscribes are outstanding. */
  whole: number;
  /**
   * Row id (as a string: a trigger may send 7 where a client subscribed "7") → how many
   * subscribes name it.
   */
  ids: Map<string, number>;
}

/**
 * One connection's interest: collections, each whole and/or narrowed to row ids.
 *
 * Interest is counted, so every `unsubscribe` undoes exactly one matching `subscribe`: a client
 * whose product page (`ids: [7]`) and product list (whole collection) both watch `products` can
 * close the list without silencing the page.
 */
export class Subscriptions {
  private readonly map = new Map<string, Subscription>();
  /** Distinct row ids held over all collections. */
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
   * More interest in a known collection keeps the older `since`: nothing already live is lost.
   */
  add(collection: string, ids: RowId[] | undefined, head: number): boolean {
    let sub = this.map.get(collection);
    const isNew = !sub;
    if (!sub) this.map.set(collection, (sub = { since: head, whole: 0, ids: new Map() }));
    if (!ids) {
      sub.whole++;
    } else {
      for (const key of new Set(ids.map(String))) {
        const count = sub.ids.get(key) ?? 0;
        if (count === 0) this.idCount++;
        sub.ids.set(key, count + 1);
      }
    }
    return isNew;
  }

  /** Seqs start again at `seq` (a new epoch): every subscription is live from there. */
  rebase(seq: number): void {
    for (const sub of this.map.values()) sub.since = seq;
  }

  /**
   * Undoes one subscribe of the whole collection, or of these ids. Returns true when no interest
   * in the collection is left (to be unindexed). Interest that was never added is ignored.
   */
  remove(collection: string, ids: RowId[] | undefined): boolean {
    const sub = this.map.get(collection);
    if (!sub) return false;
    if (!ids) {
      if (sub.whole > 0) sub.whole--;
    } else {
      for (const key of new Set(ids.map(String))) {
        const count = sub.ids.get(key);
        if (count === undefined) continue;
        if (count > 1) sub.ids.set(key, count - 1);
        else {
          sub.ids.delete(key);
          this.idCount--;
        }
      }
    }
    if (sub.whole > 0 || sub.ids.size > 0) return false;
    this.map.delete(collection);
    return true;
  }

  /** Does the entry match, whatever its seq (replay)? Notifications without an id match every subscriber. */
  matches(e: Entry): boolean {
    const sub = this.map.get(e.collection);
    return sub !== undefined && (sub.whole > 0 || e.id === undefined || sub.ids.has(e.id));
  }

  /** Does the entry match and come after the subscription went live (live delivery)? */
  wants(e: Entry): boolean {
    const sub = this.map.get(e.collection);
    return (
      sub !== undefined &&
      e.seq > sub.since &&
      (sub.whole > 0 || e.id === undefined || sub.ids.has(e.id))
    );
  }
}
