/**
 * A fixed-capacity ring of the most recent entries, oldest first. Seqs are consecutive, so the
 * ring always holds one contiguous range [first, last]: "is (after, head] still buffered?" is one
 * comparison.
 */
export class RingBuffer<T extends { seq: number }> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private length = 0;

  constructor(readonly capacity: number) {
    this.items = new Array(capacity);
  }

  get size(): number {
    return this.length;
  }

  /** Appends; evicts the oldest entry when full. */
  push(item: T): void {
    if (this.length === this.capacity) {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    } else {
      this.items[(this.start + this.length) % this.capacity] = item;
      this.length++;
    }
  }

  /**
   * Puts older entries in front (`items` oldest first, ending just before the current first);
   * only as many as there is room for, the newest of them.
   */
  prepend(items: readonly T[]): void {
    const take = Math.min(items.length, this.capacity - this.length);
    for (let i = items.length - 1; i >= items.length - take; i--) {
      this.start = (this.start - 1 + this.capacity) % this.capacity;
      this.items[this.start] = items[i];
      this.length++;
    }
  }

  /** The oldest entry, if any. */
  first(): T | undefined {
    return this.length === 0 ? undefined : this.items[this.start];
  }

  /** Drops the oldest entry. */
  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.items[this.start];
    this.items[this.start] = undefined;
    this.start = (this.start + 1) % this.capacity;
    this.length--;
    return item;
  }

  /** Drops every entry (the seqs that follow are not consecutive with these). */
  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.length = 0;
  }

  /** Entries with seq > after, oldest first. */
  *after(after: number): Generator<T> {
    const first = this.first();
    if (!first) return;
    // Contiguous seqs: the entry with seq `after + 1` sits at a known offset.
    const skip = Math.max(0, after + 1 - first.seq);
    for (let i = skip; i < this.length; i++) yield this.items[(this.start + i) % this.capacity]!;
  }
}
