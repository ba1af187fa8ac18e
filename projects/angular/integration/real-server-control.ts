import type { Notification } from '@changefeed/protocol';

/** What the real server (integration/real-server.ts) answers to every command. */
export interface RealServerInfo {
  port: number;
  /** The notifier's WebSocket URL. */
  url: string;
  /** The notifier's Server-Sent Events URL. */
  events: string;
  /** The running notifier's epoch. */
  epoch: string;
  /** The notifier's heartbeat interval, ms. */
  heartbeat: number;
  /** WebSocket TCP connections open now. */
  sockets: number;
  /** Server-Sent Events streams (their TCP connections) open now. */
  streams: number;
  /** `notifier.metrics()` of the running notifier (counters start again after a restart). */
  metrics: {
    connections: number;
    subscriptions: number;
    notifications: number;
    deliveries: number;
    replayed: number;
    resets: number;
    forbidden: number;
    head: number;
    [name: string]: number;
  };
  /** `notify`, `drop`: the seq `notify()` assigned to each notification, in order. */
  seqs?: number[];
  /** `drop`: how many sockets (WebSocket and Server-Sent Events) were cut. */
  dropped?: number;
  /** `restart`: the epoch before it. */
  previousEpoch?: string;
}

/** A row of the slow-auth server's tiny table. */
export interface Row {
  id: number;
  name: string;
}

/** What the slow-auth commands answer. */
export interface SlowAuthReply {
  /** `slowAuth`: the WebSocket URL of the notifier whose authenticate takes `authDelay` ms. */
  url?: string;
  authDelay?: number;
  /** `rows`, `insert`: the table as it is now. */
  rows?: Row[];
  /** `insert`: the seq of its notification. */
  seqs?: number[];
}

export type RealServerCommand =
  | { action: 'info' }
  | { action: 'notify'; notifications: Notification[] }
  /** Cuts every client's TCP socket (WebSocket and Server-Sent Events; no close frame), then notifies in the same server turn. */
  | { action: 'drop'; thenNotify?: Notification[] }
  /** `close()` and a new `createNotifier()` on the same port: a new epoch. */
  | { action: 'restart' };

/** The second notifier, whose authenticate is slow, and its table (a fetch, an insert that notifies). */
export type SlowAuthCommand =
  | { action: 'slowAuth' }
  | { action: 'rows'; collection: string }
  | { action: 'insert'; collection: string; name: string };

/** Steers the real @changefeed/server Karma runs for this suite (integration/real-server.cjs). */
export async function realServer(command: SlowAuthCommand): Promise<SlowAuthReply>;
export async function realServer(command: RealServerCommand): Promise<RealServerInfo>;
export async function realServer(
  command: RealServerCommand | SlowAuthCommand,
): Promise<RealServerInfo | SlowAuthReply> {
  const response = await fetch('/changefeed-real-server', {
    method: 'POST',
    body: JSON.stringify(command),
  });
  if (!response.ok) throw new Error(`real server: ${await response.text()}`);
  return response.json();
}
