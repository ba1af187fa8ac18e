import net from 'node:net';

/** One proxied connection: what the client opened to us and what we opened upstream. */
interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  frozen: boolean;
}

/**
 * A TCP proxy that can misbehave on command, the network between two real processes:
 * - `drop()`: every open connection reset at once (a NAT or load balancer forgetting them);
 * - `freeze()`: nothing forwarded either way while connections stay open (half-open: a sleeping
 *   laptop's Wi-Fi, a frozen proxy); `thaw()` lets the backlog through;
 * - `slow(ms)`: every chunk delayed (a congested link), order kept;
 * - `freezeWhere()`: freeze only the connections a predicate picks (one database connection).
 * Every socket has an 'error' listener: a reset peer is part of the game, never a crash.
 */
export class FaultProxy {
  readonly #pairs = new Set<Pair>();
  #frozen = false;
  #latencyMs = 0;

  private constructor(
    private readonly server: net.Server,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }, port = 0): Promise<FaultProxy> {
    const server = net.createServer();
    const proxy = new FaultProxy(server, target);
    server.on('connection', (client) => proxy.#accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Open connections, with the local port of each upstream socket (Postgres' `client_port`). */
  connections(): { upstreamPort: number | undefined }[] {
    return [...this.#pairs].map((p) => ({ upstreamPort: p.upstream.localPort }));
  }

  drop(): void {
    for (const pair of this.#pairs) this.#destroy(pair);
  }

  freeze(): void {
    this.#frozen = true;
    for (const pair of this.#pairs) this.#pause(pair);
  }

  /** Freezes the open connections whose upstream local port `pick` accepts; returns how many. */
  freezeWhere(pick: (upstreamPort: number | undefined) => boolean): number {
    let n = 0;
    for (const pair of this.#pairs)
      if (pick(pair.upstream.localPort)) {
        this.#pause(pair);
        n++;
      }
    return n;
  }

  thaw(): void {
    this.#frozen = false;
    for (const pair of this.#pairs) {
      pair.frozen = false;
      pair.client.resume();
      pair.upstream.resume();
    }
  }

  slow(latencyMs: number): void {
    this.#latencyMs = latencyMs;
  }

  async close(): Promise<void> {
    this.drop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #accept(client: net.Socket): void {
    const upstream = net.connect(this.target.port, this.target.host);
    const pair: Pair = { client, upstream, frozen: false };
    this.#pairs.add(pair);
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      socket.on('error', () => this.#destroy(pair));
      socket.on('close', () => this.#destroy(pair));
    }
    this.#pipe(client, upstream);
    this.#pipe(upstream, client);
    if (this.#frozen) this.#pause(pair);
  }

  #pipe(from: net.Socket, to: net.Socket): void {
    // Delays keep order: each chunk leaves no earlier than the one before it.
    let last = 0;
    from.on('data', (chunk) => {
      if (!this.#latencyMs) {
        if (!to.destroyed) to.write(chunk);
        return;
      }
      const at = Math.max(Date.now() + this.#latencyMs, last);
      last = at;
      setTimeout(() => !to.destroyed && to.write(chunk), at - Date.now());
    });
  }

  #pause(pair: Pair): void {
    pair.frozen = true;
    pair.client.pause();
    pair.upstream.pause();
  }

  #destroy(pair: Pair): void {
    if (!this.#pairs.delete(pair)) return;
    for (const socket of [pair.client, pair.upstream])
      if (!socket.destroyed) socket.resetAndDestroy();
  }
}
