import net from 'node:net';

/** One proxied connection: what the client opened to us and what we opened upstream. */
interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  frozen: boolean;
  /** Whether the client's first bytes have arrived (and told `websocket`). */
  seen: boolean;
  /** Whether the client opened it with a WebSocket handshake. */
  websocket: boolean;
  /** A WebSocket handshake held back (holdWebSockets), with what the client sent after it. */
  held: Buffer[] | null;
  /** When the last delayed chunk each way leaves: the next never leaves before it. */
  last: { up: number; down: number };
}

/** The start of a WebSocket handshake to the demo's notifier (its path is /ws). */
const WS_HANDSHAKE = Buffer.from('GET /ws');

/**
 * A TCP proxy that can misbehave on command, the network between two real processes:
 * - `drop()`: every open connection reset at once (a NAT or load balancer forgetting them);
 * - `freeze()`: nothing forwarded either way while connections stay open (half-open: a sleeping
 *   laptop's Wi-Fi, a frozen proxy); `thaw()` lets the backlog through;
 * - `slow(ms)`: every chunk delayed (a congested link), order kept;
 * - `freezeWebSockets()`: freeze only the WebSocket connections, HTTP keeps working;
 * - `freezeWhere()`: freeze only the connections a predicate picks (one database connection);
 * - `cut()`: every open connection reset and new ones refused until `mend()` (the peer down or
 *   unreachable: its clients see connection refused, not silence);
 * - `holdWebSockets()`: WebSocket handshakes wait, everything else passes (a slow handshake or
 *   `authenticate`, so a page's HTTP fetches complete long before its subscriptions are live).
 * Every socket has an 'error' listener: a reset peer is part of the game, never a crash.
 */
export class FaultProxy {
  readonly #pairs = new Set<Pair>();
  #frozen = false;
  #cut = false;
  #holding = false;
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

  /**
   * Freezes the open WebSocket connections only, HTTP keeps working: a load balancer or proxy
   * that silently lost a long-lived connection. New connections pass.
   */
  freezeWebSockets(): void {
    for (const pair of this.#pairs) if (pair.websocket) this.#pause(pair);
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

  /** Resets the connections frozen now (a NAT that forgot them while nothing passed); returns how many. */
  dropFrozen(): number {
    let n = 0;
    for (const pair of this.#pairs)
      if (pair.frozen) {
        this.#destroy(pair);
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

  /** From now on, WebSocket handshakes (and what follows them) wait until releaseWebSockets(). */
  holdWebSockets(): void {
    this.#holding = true;
  }

  /** Lets the held handshakes through, in order, and stops holding new ones. */
  releaseWebSockets(): void {
    this.#holding = false;
    for (const pair of this.#pairs) {
      const held = pair.held;
      if (!held) continue;
      pair.held = null;
      for (const chunk of held) this.#forward(chunk, pair.upstream, pair);
    }
  }

  /** Resets every open connection and refuses new ones until mend(). */
  cut(): void {
    this.#cut = true;
    this.drop();
  }

  mend(): void {
    this.#cut = false;
  }

  slow(latencyMs: number): void {
    this.#latencyMs = latencyMs;
  }

  async close(): Promise<void> {
    this.drop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #accept(client: net.Socket): void {
    if (this.#cut) {
      client.on('error', () => {});
      return void client.resetAndDestroy();
    }
    const upstream = net.connect(this.target.port, this.target.host);
    const pair: Pair = {
      client,
      upstream,
      frozen: false,
      seen: false,
      websocket: false,
      held: null,
      last: { up: 0, down: 0 },
    };
    this.#pairs.add(pair);
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      socket.on('error', () => this.#destroy(pair));
      socket.on('close', () => this.#destroy(pair));
    }
    client.on('data', (chunk: Buffer) => {
      // A connection's first bytes tell whether it is a WebSocket (a browser never reuses one for
      // anything else); later chunks of a handshake-less connection are HTTP bodies and the like.
      if (!pair.seen) {
        pair.seen = true;
        pair.websocket = chunk.subarray(0, WS_HANDSHAKE.length).equals(WS_HANDSHAKE);
        if (pair.websocket && this.#holding) pair.held = [];
      }
      if (pair.held) pair.held.push(chunk);
      else this.#forward(chunk, upstream, pair);
    });
    upstream.on('data', (chunk: Buffer) => this.#forward(chunk, client, pair));
    if (this.#frozen) this.#pause(pair);
  }

  /**
   * Sends `chunk` on after the current latency. Order is kept within each direction: a chunk
   * never leaves before the one ahead of it, even when the latency has just been lowered.
   */
  #forward(chunk: Buffer, to: net.Socket, pair: Pair): void {
    const direction = to === pair.upstream ? 'up' : 'down';
    const now = Date.now();
    const at = Math.max(now + this.#latencyMs, pair.last[direction]);
    if (at <= now) {
      if (!to.destroyed) to.write(chunk);
      return;
    }
    pair.last[direction] = at;
    setTimeout(() => !to.destroyed && to.write(chunk), at - now);
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
