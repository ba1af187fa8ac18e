/**
 * The 100-byte notification every fan-out peer sends. `t` is the send time (monoMs) so the
 * receiving process measures delivery latency; `p` pads the JSON to 100 bytes.
 */
const TARGET = 100;

export function notification(id: number, t: number, fields?: { collection: string; k: number }): Record<string, unknown> {
  const n: Record<string, unknown> = { collection: 'bench', op: 'update', id, ...fields, t: Math.round(t * 1000) / 1000, p: '' };
  const length = JSON.stringify(n).length;
  n['p'] = 'x'.repeat(Math.max(0, TARGET - length));
  return n;
}
