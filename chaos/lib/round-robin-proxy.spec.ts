import net from 'node:net';
import { RoundRobinProxy } from './round-robin-proxy.ts';

/** A real TCP server on port 0 that greets every connection with its name. */
async function greeter(name: string): Promise<net.Server> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.end(name);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const portOf = (server: net.Server) => (server.address() as net.AddressInfo).port;

/** Connects through the proxy: the greeting of the instance reached, or the error that ended it. */
function dial(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let text = '';
    socket.on('data', (chunk) => (text += chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(`error ${e.code}`));
    socket.on('end', () => resolve(text));
  });
}

describe('RoundRobinProxy (real sockets)', () => {
  let servers: net.Server[];
  let proxy: RoundRobinProxy;

  beforeEach(async () => {
    servers = await Promise.all(['a', 'b', 'c'].map(greeter));
    proxy = await RoundRobinProxy.start(servers.map(portOf));
  });

  afterEach(async () => {
    await proxy.close();
    for (const server of servers) server.close();
  });

  it('hands each new connection to the next instance in turn', async () => {
    const reached: string[] = [];
    for (let i = 0; i < 6; i++) reached.push(await dial(proxy.port));
    expect(reached).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('skips an instance that refuses, as a health check would', async () => {
    await new Promise((resolve) => servers[1].close(resolve));
    const reached: string[] = [];
    for (let i = 0; i < 3; i++) reached.push(await dial(proxy.port));
    expect(reached).toEqual(['a', 'c', 'c']);
  });

  it('resets a connection no instance accepts, and serves again when one is back', async () => {
    const ports = servers.map(portOf);
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    expect(await dial(proxy.port)).toBe('error ECONNRESET');
    const back = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.end('back');
    });
    await new Promise<void>((resolve) => back.listen(ports[0], '127.0.0.1', resolve));
    servers.push(back);
    expect(await dial(proxy.port)).toBe('back');
  });

  it('refuses to start without an instance', async () => {
    await expectAsync(RoundRobinProxy.start([])).toBeRejectedWithError(
      TypeError,
      /at least one port/,
    );
  });
});
