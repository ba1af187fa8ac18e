/**
 * Loopback source addresses. One (source ip, destination ip:port) pair has only as many
 * connections as the ephemeral port range (32768–60999 here, ~28k); the whole 127.0.0.0/8 routes
 * to `lo` on Linux, so spreading clients over 127.0.0.2, 127.0.0.3, … lifts that limit.
 *
 * Few clients per address, because a client with a local address binds before it connects, and
 * the kernel's search for a free port to bind (sockets in TIME_WAIT included) grows with the
 * ports already taken on that address: at 5,000 per address, 10,000 reconnects took 40 s
 * of kernel time; at 500 per address, under 2 s.
 */
export function loopbackPool(connections: number, perAddress = 500): string[] {
  const count = Math.max(1, Math.ceil(connections / perAddress));
  return Array.from({ length: count }, (_, i) => `127.0.0.${i + 2}`);
}

/** The source address for client number `i`: round-robin over the pool. */
export function addressFor(pool: string[], i: number): string {
  return pool[i % pool.length];
}
