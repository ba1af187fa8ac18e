import { WelcomeFrame } from '@changefeed/protocol';

/** One handshaken connection, as `WebSocketService.sessions$` announces it. */
export interface WebSocketSession {
  /** The server's `welcome`, or `null` for a plain broadcast server (no welcome, or a notification first). */
  welcome: WelcomeFrame | null;
  /** True when an earlier socket of this service had opened: there may be a gap to make up for. */
  reconnect: boolean;
}
