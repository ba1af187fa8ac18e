/**
 * Bounds every decoder enforces, so a hostile or broken peer cannot make either end allocate
 * without limit. Servers may choose tighter limits of their own.
 */
export const Limits = {
  /** Longest collection name, in UTF-16 code units. */
  collectionLength: 256,
  /** Most collections in one subscribe/unsubscribe/subscribed/reset frame. */
  collectionsPerFrame: 1000,
  /** Most ids in one subscribe/unsubscribe frame. */
  idsPerFrame: 1000,
  /** Longest string id. */
  idLength: 256,
  /** Longest epoch string. */
  epochLength: 128,
} as const;
