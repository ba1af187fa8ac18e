/** The servers the fan-out, handler and connections scenarios compare. */
export type Peer = 'changefeed' | 'socket.io' | 'ws-loop';

/**
 * The fleet's client for each server: protocol v1 for ours, a bare `ws` for the ws loop, and a
 * bare `ws` speaking the Socket.IO protocol for socket.io (see workers/fleet.ts for why not
 * socket.io-client: 1,000 of them in one process would measure the client, not the server).
 */
export function clientKind(peer: Peer): 'changefeed' | 'ws' | 'socket.io-raw' {
  return peer === 'changefeed' ? 'changefeed' : peer === 'ws-loop' ? 'ws' : 'socket.io-raw';
}

/** Where the fleet connects to a peer's server on `port`. */
export function peerUrl(peer: Peer, port: number): string {
  if (peer === 'socket.io') return `http://127.0.0.1:${port}`;
  return `ws://127.0.0.1:${port}${peer === 'changefeed' ? '/ws' : '/'}`;
}
