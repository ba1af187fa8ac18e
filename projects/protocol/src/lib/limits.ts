// Constants of their own, as well as the `Limits` object: bundlers inline these into the field
// rules, where `Limits.x` ships the whole object to every browser.
export const MAX_COLLECTION_LENGTH = 256;
export const MAX_COLLECTIONS_PER_FRAME = 1000;
export const MAX_IDS_PER_FRAME = 1000;
export const MAX_ID_LENGTH = 256;
export const MAX_EPOCH_LENGTH = 128;

/**
 * Bounds every decoder enforces, so a hostile or broken peer cannot make either end allocate
 * without limit. Servers may choose tighter limits of their own.
 */
export const Limits = {
  /** Longest collection name, in UTF-16 code units. */
  collectionLength: MAX_COLLECTION_LENGTH,
  /** Most collections in one subscribe/unsubscribe/subscribed/reset frame. */
  collectionsPerFrame: MAX_COLLECTIONS_PER_FRAME,
  /** Most ids in one subscribe/unsubscribe frame. */
  idsPerFrame: MAX_IDS_PER_FRAME,
  /** Longest string id. */
  idLength: MAX_ID_LENGTH,
  /** Longest epoch string. */
  epochLength: MAX_EPOCH_LENGTH,
} as const;
