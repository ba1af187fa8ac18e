/** A peer the heartbeat can check: terminated if it has not answered the previous ping. */
export interface Beating {
  beat(): void;
}

/**
 * Every `ms`, calls `beat()` on each peer: a session that has not shown a sign of life since the
 * previous beat terminates itself, the others get a ping. Returns the function that stops it.
 */
export function startHeartbeat(peers: Iterable<Beating>, ms: number): () => void {
  if (ms <= 0) return () => {};
  const timer = setInterval(() => {
    for (const p of peers) p.beat();
  }, ms);
  timer.unref();
  return () => clearInterval(timer);
}
