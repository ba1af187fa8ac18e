import net from 'node:net';

/** How long one instance may take to accept before the next is tried, ms. */
const CONNECT_TIMEOUT_MS = 2_000;

/**
 * The load balancer in front of a demo cluster: a TCP proxy that hands each new connection to the
 * next instance in turn, so a page's fetches and its WebSocket land on any instance, and a
 * reconnect usually lands on another one than before. An instance that refuses (crashed, gone,
 * restarting) is skipped for the next, as a load balancer's health check would; a connection
 * that no instance accepts is reset. Open connections are never moved: when their instance dies
 * they die with it, and the client reconnects through here.
 * Every socket has an 'error' listener: a reset peer is part of the game, never a crash.
 */
export class RoundRobinProxy {
  readonly #open = new Set<net.Socket>();
  #next = 0;

  private constructor(
    private readonly server: net.Server,
    /** The instances' ports, in turn order. */
    private readonly ports: readonly number[],
  ) {}

  static async start(ports: readonly number[]): Promise<RoundRobinProxy> {
    if (!ports.length) throw new TypeError('RoundRobinProxy needs at least one port');
    const server = net.createServer();
    const proxy = new RoundRobinProxy(server, [...ports]);
    server.on('connection', (client) => void proxy.#accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const socket of this.#open) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async #accept(client: net.Socket): Promise<void> {
    this.#track(client);
    // Held until an instance accepts: what the client sends meanwhile waits in its buffer.
    client.pause();
    const first = this.#next;
    this.#next = (this.#next + 1) % this.ports.length;
    for (let i = 0; i < this.ports.length && !client.destroyed; i++) {
      const port = this.ports[(first + i) % this.ports.length]!;
      const upstream = await connect(port);
      if (!upstream) continue;
      if (client.destroyed) return void upstream.destroy();
      this.#track(upstream);
      upstream.setNoDelay(true);
      client.setNoDelay(true);
      // Either side gone takes the other with it, as a reset (no half-closed leftovers).
      const end = () => {
        if (!client.destroyed) client.resetAndDestroy();
        if (!upstream.destroyed) upstream.resetAndDestroy();
      };
      client.on('close', end);
      upstream.on('close', end);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
      return;
    }
    if (!client.destroyed) client.resetAndDestroy();
  }

  #track(socket: net.Socket): void {
    this.#open.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => this.#open.delete(socket));
  }
}

/** A connection to `port`, or null when it is refused or takes too long. */
function connect(port: number): Promise<net.Socket | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const fail = () => {
      socket.destroy();
      resolve(null);
    };
    socket.setTimeout(CONNECT_TIMEOUT_MS, fail);
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.off('error', fail);
      resolve(socket);
    });
  });
}
