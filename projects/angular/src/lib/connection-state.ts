/**
 * Where the connection stands.
 * - `idle`: no consumer yet, or the last one left; nothing is open.
 * - `connecting`: the first attempt is under way.
 * - `open`: the socket is open.
 * - `reconnecting`: the connection was lost; waiting out the backoff or dialling again.
 * - `closed`: given up for good (close 4403, `maxAttempts` reached) or on the server platform.
 */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';
