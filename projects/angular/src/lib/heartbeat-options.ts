/** Heartbeat options. The ping interval itself is the server's, from `welcome.heartbeat`. */
export interface HeartbeatOptions {
  /**
   * Grace after an unanswered ping before the socket counts as dead, and the longest a dial may
   * take to open, in ms, at least 1. Default 10000.
   */
  timeout?: number;
}
