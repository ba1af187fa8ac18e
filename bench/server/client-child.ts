/**
 * Benchmark clients in their own process (raw-client.ts), driven over IPC:
 *   { cmd: 'connect', port, count, protocol, sample }  → { connected }
 *     protocol: subscribe to "bench" and wait for `subscribed` (changefeed) or just open (ws-loop);
 *     sample: how many of the clients parse payloads for latency.
 *   { cmd: 'expect', total, timeoutMs } → { received, lastAt, latencies } once every client got
 *     `total` frames (or at the timeout)
 */
import { openRawClient, type RawClient } from './raw-client.ts';

let clients: RawClient[] = [];
let latencies: number[] = [];
let received = 0;
let lastAt = 0;

async function connectAll(port: number, count: number, protocol: boolean, sample: number): Promise<void> {
  clients = [];
  const CONCURRENCY = 200;
  let next = 0;
  async function worker() {
    while (next < count) {
      const i = next++;
      let acked!: () => void;
      const ready = new Promise<void>((r) => (acked = r));
      let phase = 0;
      const c = await openRawClient({
        port,
        onFrame: () => {
          if (phase === 2) {
            received++;
            lastAt = performance.timeOrigin + performance.now();
          }
        },
        onText: i < sample || protocol
          ? (payload, at, self) => {
              if (phase < 2) {
                const s = payload.toString();
                if (s.includes('"welcome"') && phase === 0) {
                  phase = 1;
                  self.send('{"type":"subscribe","collections":["bench"]}');
                } else if (s.includes('"subscribed"')) {
                  phase = 2;
                  acked();
                }
                return;
              }
              if (i >= sample) return;
              const m = /"t":([0-9.]+)/.exec(payload.toString('latin1'));
              if (m) latencies.push(at - Number(m[1]));
            }
          : undefined,
      });
      if (!protocol) {
        phase = 2;
        acked();
      }
      await ready;
      clients.push(c);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

process.on('message', async (m: { cmd: string; port?: number; count?: number; protocol?: boolean; sample?: number; total?: number; timeoutMs?: number }) => {
  const reply = (x: object) => process.send!(x);
  if (m.cmd === 'connect') {
    await connectAll(m.port!, m.count!, m.protocol!, m.sample ?? 0);
    return reply({ connected: clients.length });
  }
  if (m.cmd === 'expect') {
    received = 0;
    latencies = [];
    const until = Date.now() + m.timeoutMs!;
    const check = () => {
      if (received >= m.total! || Date.now() > until) reply({ received, lastAt, latencies });
      else setTimeout(check, 2);
    };
    reply({ armed: true });
    check();
    return;
  }
  if (m.cmd === 'close') {
    for (const c of clients) c.socket.destroy();
    clients = [];
    reply({ closed: true });
  }
  return undefined;
});
process.send!({ ready: true });
