/**
 * Options of {@link provideNotifications}. Every field but `url` is optional; an `undefined` one
 * takes its default (`NOTIFICATIONS_DEFAULTS`).
 */
export interface NotificationsConfig {
  /**
   * Where to connect: a path such as `'/ws'`, an http(s) or a ws(s) URL, or a function returning
   * one (or a Promise of one). Relative URLs resolve against the page's base URL, and http(s)
   * becomes ws(s) (socket-url.ts). A function is called before every attempt, so a token in the
   * query string is always fresh.
   */
  url: string | (() => string | Promise<string>);
  /** WebSocket subprotocols. */
  protocols?: string | string[];
  /** How long to wait for `welcome` before treating the server as a plain broadcast server, in ms, at least 1. Default 2000. */
  welcomeTimeout?: number;
  /** How long an unused collection stays subscribed, so route changes do not churn the server, in ms; 0 unsubscribes at once. Default 1000. */
  linger?: number;
  /** Keep the socket open after the last consumer leaves. Default false. */
  keepAlive?: boolean;
  /** Most outgoing frames kept while disconnected, a whole number; the oldest are dropped first. Default 100. */
  queueSize?: number;
}
