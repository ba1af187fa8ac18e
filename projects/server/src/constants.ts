/**
 * Every default and internal bound of @changefeed/server, in one place. Options documented in
 * options.ts fall back to these.
 */

/** WebSocket path. */
export const DEFAULT_PATH = '/ws';
/** Server-Sent Events path. */
export const DEFAULT_SSE_PATH = '/events';
/** ws-level ping interval, ms (also announced in `welcome`). */
export const DEFAULT_HEARTBEAT_MS = 25_000;
/** Largest client frame, bytes; above it the socket is closed with 1009. */
export const DEFAULT_MAX_PAYLOAD = 64 * 1024;
/** Unsent bytes a socket may hold before it is closed with 1013 as a slow consumer. */
export const DEFAULT_MAX_BUFFERED = 1024 * 1024;
/** Commands a connection may send per window before `rate_limited`. */
export const DEFAULT_RATE_LIMIT = { commands: 100, perMs: 1_000 } as const;
/** Replay buffer bounds: whichever is reached first evicts. */
export const DEFAULT_RETENTION = { count: 10_000, ms: 300_000 } as const;
/** Default NOTIFY channel of the sources and the trigger SQL. */
export const DEFAULT_CHANNEL = 'changefeed';

/** SSE comment heartbeats are sent at least this often, whatever `heartbeat` says (proxies cut idle streams). */
export const SSE_MAX_HEARTBEAT_MS = 25_000;
/** SSE streams are ended after this long (the EventSource resumes at once), ms. */
export const DEFAULT_SSE_MAX_AGE_MS = 300_000;
/** `retry:` sent to EventSource clients, ms. */
export const SSE_RETRY_MS = 2_000;
/**
 * Cluster mode: a resume whose log read finds Redis unavailable (a timeout, a blip, a restart) is
 * retried after each of these waits, ms, each jittered down to as little as half (1.75–3.5 s in
 * all), before the client gets `reset`: a brief outage must not send every client that resumed
 * during it to refetch. Its live notifications are held meanwhile (bounded by `retention.count`).
 */
export const RESUME_READ_RETRY_MS = [250, 500, 1_000, 1_750] as const;
/** After a server-initiated close, a peer that does not finish the handshake is terminated after this long. */
export const CLOSE_GRACE_MS = 5_000;
/** Distinct collections one connection may subscribe to (`too_many` above). */
export const MAX_COLLECTIONS_PER_CONNECTION = 1_000;
/** Distinct row ids one connection may subscribe to, over all collections (`too_many` above). */
export const MAX_IDS_PER_CONNECTION = 10_000;
/** Commands queued behind a slow `authorize` before the connection is closed with 1013. */
export const MAX_QUEUED_COMMANDS = 1_000;
/** A socket's frames of one turn up to this many bytes are joined into one write; more are corked. */
export const JOIN_WRITES_UP_TO = 65_536;
/** Rate-limited commands tolerated (after the first `rate_limited` error) before closing with 1008. */
export const RATE_LIMIT_STRIKES = 100;
/** Postgres LISTEN reconnect backoff, ms: first delay and cap (full jitter). */
export const PG_RECONNECT_MIN_MS = 100;
export const PG_RECONNECT_MAX_MS = 5_000;
/** Connecting and LISTEN together may take this long before the attempt is abandoned and retried, ms. */
export const PG_CONNECT_TIMEOUT_MS = 10_000;
/** Health probe of the LISTEN connection: interval and timeout, ms (a dead one is noticed within 30 s). */
export const PG_PROBE_INTERVAL_MS = 10_000;
export const PG_PROBE_TIMEOUT_MS = 10_000;
/** Postgres identifiers longer than this are silently truncated by Postgres; we refuse them instead. */
export const PG_MAX_IDENTIFIER = 63;
