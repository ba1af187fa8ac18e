import { CloseCode, goingAwayReason } from '@changefeed/protocol';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLOSE_GRACE_MS } from '../constants.js';
import { authenticateRequest } from '../core/authorization.js';
import type { HubContext } from '../core/context.js';
import { checkOrigin } from '../core/origin-policy.js';
import { pathnameOf } from '../core/pathname-of.js';
import { abortHandshake } from './abort-handshake.js';
import { startHeartbeat } from './heartbeat.js';
import { endSocket, FrameJoiner } from './raw-frame-writer.js';
import { SocketSession } from './socket-session.js';

/** The WebSocket transport of one notifier, attached to its http.Server's `upgrade` event. */
export interface WebSocketEndpoint {
  /** Open sessions. */
  readonly size: number;
  /**
   * Answers every upgrade 503 from now on and closes every session with 1001 and a reconnect
   * window (see {@link goingAway}); resolves when all have closed.
   */
  closeAll(): Promise<void>;
  /** Stops listening for upgrades (after closeAll). */
  detach(): Promise<void>;
}

/**
 * Upgrade handling (path, origin, authentication; refusals as HTTP statuses before any WebSocket
 * exists), the sessions and their heartbeat.
 */
export function attachWebSocketEndpoint(server: Server, ctx: HubContext): WebSocketEndpoint {
  const { options, metrics } = ctx;
  const sessions = new Set<SocketSession>();
  const joiner = new FrameJoiner();
  const sessionCtx = { ...ctx, joiner, onClosed: (s: SocketSession) => sessions.delete(s) };
  // perMessageDeflate off: raw-frame-writer.ts relies on it.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayload,
    perMessageDeflate: false,
    clientTracking: false,
  });
  const stopHeartbeat = startHeartbeat(sessions, options.heartbeat);
  let closing = false;

  // A new epoch (cluster mode: the log was lost, seqs start again at 1). A WebSocket client learns
  // an epoch only from `welcome`: told `reset` on this connection it would keep its seqs of the
  // old epoch and drop the new epoch's 1, 2, … as duplicates. Closed as at shutdown, it comes
  // back within the window to a `welcome` in the new epoch, and refetches. Sessions welcomed in
  // the new epoch already (connected since the gap) stay.
  ctx.hub.onNewEpoch(() => {
    const stale = [...sessions].filter((s) => s.epoch !== ctx.hub.epoch);
    const reason = goingAway(stale.length);
    for (const s of stale) {
      // What this turn's fan-out wrote before the reset leaves before the close frame.
      s.endTurn();
      s.close(CloseCode.GoingAway, reason);
    }
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    if (pathnameOf(req) !== options.path) {
      // Other upgrade listeners (another WebSocket server, a dev proxy) may own this path.
      if (server.listenerCount('upgrade') <= 1) {
        metrics.refused++;
        abortHandshake(socket, 404, 'no WebSocket endpoint here');
      }
      return;
    }
    if (closing) return abortHandshake(socket, 503, 'server is shutting down');
    // Cluster mode, before the log's tail is positioned: no epoch to welcome with yet.
    if (!ctx.hub.positioned) return abortHandshake(socket, 503, 'server is starting');
    const origin = checkOrigin(req, ctx);
    if (origin !== true) {
      metrics.refused++;
      return abortHandshake(socket, 403, origin);
    }
    void upgrade(req, socket, head);
  };

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const auth = await authenticateRequest(req, ctx);
    if (closing || socket.destroyed) return void socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      ws.on('error', (e: Error & { code?: string }) => {
        // A protocol violation (oversize or malformed WebSocket frame): ws has sent its close
        // frame (1009 / 1002 / 1007) and stopped reading. End now rather than wait for the peer.
        if (e.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') metrics.badFrames++;
        endSocket(ws);
        setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
      });
      if (!auth.ok) {
        return auth.reason === 'failed'
          ? ws.close(1011, 'authentication failed')
          : ws.close(CloseCode.Unauthenticated, 'unauthenticated');
      }
      sessions.add(new SocketSession(ws, auth.user, sessionCtx));
    });
  }

  server.on('upgrade', onUpgrade);

  return {
    get size() {
      return sessions.size;
    },
    async closeAll() {
      closing = true;
      stopHeartbeat();
      const reason = goingAway(sessions.size);
      for (const s of sessions) s.close(CloseCode.GoingAway, reason);
      await Promise.all([...sessions].map((s) => s.whenClosed()));
    },
    async detach() {
      // Only after closeAll: until here every upgrade is answered 503 at once. Without a
      // listener, Node hands an upgrade to the request handler, which an app's server may never
      // answer: clients reconnecting early would hang until the process exits, then all fail at
      // the same moment and come back together, the stampede the 1001 window is meant to prevent.
      server.off('upgrade', onUpgrade);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/**
 * The reason of a 1001 sent to `count` clients at once: it names the window they spread their
 * reconnects over (docs/protocol.md, close codes). Every client at once would be a stampede of
 * handshakes, and of refetches against the app, since a new epoch resets them all. 2,000
 * reconnects/s is what one 2-core hub takes with room to spare (10,000 in about 3 s); never under
 * a second, so a few tabs return fast; at most what clients accept (99,999 ms: 200,000 connections).
 */
export function goingAway(count: number): string {
  return goingAwayReason(count / 2);
}
