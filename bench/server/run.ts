/**
 * `npm run bench:server [-- --quick]`: prints @changefeed/server's figures and their ratios to a
 * plain `ws` send-per-message loop measured in the same run. Not a test: nothing here asserts.
 */
import { runServerBench, type LatencySummary } from './server-bench.ts';

const quick = process.argv.includes('--quick');
const r = await runServerBench({ quick, log: (l) => console.log(`  ${l}`) });

const f = (v: number, digits = 0) => v.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const lat = (l: LatencySummary) => `p50 ${f(l.p50, 2)} ms, p99 ${f(l.p99, 2)} ms (n=${f(l.count)})`;
const ratio = (a: number, b: number) => `${f(a / b, 2)}×`;
const goal = (ok: boolean, text: string) => `goal ${text}: ${ok ? 'holds' : 'MISSED'}`;
const { changefeed: cf, wsLoop: ws, clients } = r.fanout;

console.log(`
@changefeed/server benchmark${quick ? ' (quick)' : ''}
notify() call cost        median ${f(r.notifyNs.median)} ns, p99 ${f(r.notifyNs.p99)} ns   ${goal(r.notifyNs.median <= 1000, '≤ 1 µs median')}
  + its fan-out turn      median ${f(r.notifyWithFlushNs.median)} ns, p99 ${f(r.notifyWithFlushNs.p99)} ns per notification, no clients   (JSON.stringify of the same object alone: median ${f(r.baselineStringifyNs.median)} ns)
fan-out, ${clients} clients (in two client processes, the server in a third)
  burst peak              changefeed ${f(cf.deliveriesPerS)} deliveries/s${cf.complete ? '' : ' (INCOMPLETE)'}   ws loop ${f(ws.deliveriesPerS)}/s${ws.complete ? '' : ' (INCOMPLETE)'}   ratio ${ratio(cf.deliveriesPerS, ws.deliveriesPerS)}   ${goal(cf.deliveriesPerS >= 1_000_000, '≥ 1,000,000/s')}
  server CPU per 100k     changefeed ${f(cf.serverCpuMsPer100k, 1)} ms   ws loop ${f(ws.serverCpuMsPer100k, 1)} ms   ratio ${ratio(ws.serverCpuMsPer100k, cf.serverCpuMsPer100k)} less CPU   (capacity on one free core: ${f(100_000 / (cf.serverCpuMsPer100k / 1000))} deliveries/s)
  burst latency           changefeed ${lat(cf.burstLatencyMs)}   ws loop ${lat(ws.burstLatencyMs)}
  paced 310 notif/s       changefeed ${f(cf.pacedDeliveriesPerS)} deliveries/s, ${lat(cf.pacedLatencyMs)}${cf.pacedComplete ? '' : ' (INCOMPLETE)'}   ${goal(cf.pacedLatencyMs.p99 <= 20 && cf.pacedComplete && cf.pacedDeliveriesPerS >= 300_000, '≥ 300,000/s at p99 ≤ 20 ms')}
                          ws loop    ${f(ws.pacedDeliveriesPerS)} deliveries/s, ${lat(ws.pacedLatencyMs)}${ws.pacedComplete ? '' : ' (INCOMPLETE)'}   p99 ratio ${ratio(cf.pacedLatencyMs.p99, ws.pacedLatencyMs.p99)}
idle connections (${f(r.idle.changefeed.connections)}, open files limit ${f(r.idle.fdLimit)})
  server RSS/connection   changefeed ${f(r.idle.changefeed.bytesPerConnection / 1024, 1)} KiB   ws ${f(r.idle.wsLoop.bytesPerConnection / 1024, 1)} KiB   ratio ${ratio(r.idle.changefeed.bytesPerConnection, r.idle.wsLoop.bytesPerConnection)}   ${goal(r.idle.changefeed.bytesPerConnection <= 8192, '≤ 8 KiB')}${r.idle.note ? `\n  note: ${r.idle.note}` : ''}
`);
process.exit(0);
