/**
 * Counts the hostile cases each adversarial spec tried, by kind, so the suite can print what it
 * covered ("hostile frames: 412") instead of only "N specs passed".
 */
const counts = new Map<string, number>();

/** Records `n` cases of `kind` tried. */
export function tally(kind: string, n = 1): void {
  counts.set(kind, (counts.get(kind) ?? 0) + n);
}

/** Every kind tried so far with its count, in the order first seen. */
export function tallies(): ReadonlyMap<string, number> {
  return counts;
}
