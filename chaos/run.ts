/**
 * `npm run chaos [-- --schedules N] [--seed S] [--duration MS] [--max-faults N] [--quick]
 *  [--cluster [--instances N]] [--without KIND[,KIND]]`
 *
 * Random fault schedules against the real demo stack (Postgres, demo-api, Chromium pages on
 * different views) while a writer changes data through the API and in SQL; after each schedule
 * every view must equal a fresh query. Prints a summary; a full run also writes it into
 * bench/results.md beside the other figures. Exits 1 on any stale view.
 * `--quick` is the short fixed-seed run `npm test` includes. A seed replays its schedules.
 * `--cluster`: N demo-api instances (default 3) sharing a log on Redis behind a round-robin
 * proxy, with the cluster's own faults (an instance gone, Redis cut off or flushed).
 */
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Recorder, writeResults } from '../bench/lib/results.ts';
import { summarize } from '../bench/lib/stats.ts';
import { recordChaos } from './lib/chaos-figures';
import { FAULT_KINDS, SINGLE_INSTANCE_KINDS, type FaultKind } from './lib/faults';
import { CHAOS_ENV, runChaos } from './lib/run-chaos';

const { values } = parseArgs({
  options: {
    schedules: { type: 'string' },
    seed: { type: 'string' },
    duration: { type: 'string' },
    'max-faults': { type: 'string' },
    quick: { type: 'boolean', default: false },
    cluster: { type: 'boolean', default: false },
    instances: { type: 'string' },
    without: { type: 'string', multiple: true },
  },
});

function integer(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    console.error(`chaos: --${name} must be an integer ${range}, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}

function usage(message: string): never {
  console.error(`chaos: ${message}`);
  process.exit(2);
}

/** `--without a,b --without c`: kinds this mode draws, sorted as FAULT_KINDS for a stable hint. */
function without(raw: string[] | undefined, cluster: boolean): FaultKind[] {
  const named = (raw ?? []).flatMap((r) => r.split(',')).map((k) => k.trim());
  const drawn: readonly string[] = cluster ? FAULT_KINDS : SINGLE_INSTANCE_KINDS;
  for (const kind of named) {
    if (!(FAULT_KINDS as readonly string[]).includes(kind))
      usage(
        `--without: unknown fault kind ${JSON.stringify(kind)} (kinds: ${FAULT_KINDS.join(', ')})`,
      );
    if (!drawn.includes(kind))
      usage(`--without ${kind}: a cluster fault, drawn only with --cluster`);
  }
  if (drawn.every((k) => named.includes(k))) usage('--without leaves no fault kind to draw');
  return FAULT_KINDS.filter((k) => named.includes(k));
}

/**
 * The quick run's seed: its 8 schedules cover 12 of the 13 fault kinds (all but listen-kill,
 * whose LISTEN reset the listen-freeze ending in a reset covers), and four of them end on a fault
 * whose loss only one recovery path makes up for, with nothing beside it (a crash, a restart, a
 * LISTEN reset) that resets the views anyway: a WebSocket freeze ending in a reset, shorter than
 * the heartbeat (resume replay), a crash (reset on a new epoch), a LISTEN freeze ending in a
 * reset (reset on a source reset), a reload with its handshake held (the startup gap). Removing
 * any of the three resets or the resume replay makes this run report stale views
 * (chaos/README.md). Found by drawing schedules for seeds 1–30,000.
 */
const QUICK_SEED = 12_280;
const QUICK_SCHEDULES = 8;
/**
 * `--cluster --quick` (npm run test:chaos:cluster): 4 schedules that draw, among others, each
 * cluster fault: an instance gone, a redis-cut, a redis-flush, and a crash.
 */
const QUICK_CLUSTER_SEED = 5_509;
const QUICK_CLUSTER_SCHEDULES = 4;

const quick = values.quick;
const cluster = values.cluster;
if (!cluster && values.instances !== undefined) usage('--instances needs --cluster');
const options = {
  schedules: integer(
    'schedules',
    values.schedules,
    quick ? (cluster ? QUICK_CLUSTER_SCHEDULES : QUICK_SCHEDULES) : 100,
    1,
  ),
  seed: integer(
    'seed',
    values.seed,
    quick ? (cluster ? QUICK_CLUSTER_SEED : QUICK_SEED) : Math.floor(Math.random() * 1e6),
    0,
  ),
  durationMs: integer('duration', values.duration, quick ? 5_000 : 10_000, 1_000),
  maxFaults: integer('max-faults', values['max-faults'], 3, 1),
  env: CHAOS_ENV,
  maxSleepMs: quick ? 8_000 : 15_000,
  instances: cluster ? integer('instances', values.instances, 3, 2, 5) : 0,
  without: without(values.without, cluster),
  log: (line: string) => console.log(line),
};

/** The options that draw the same schedules: a stale view's replay command carries them all. */
const drawOptions = [
  ...(quick ? ['--quick'] : []),
  `--duration ${options.durationMs}`,
  `--max-faults ${options.maxFaults}`,
  ...(cluster ? ['--cluster', `--instances ${options.instances}`] : []),
  ...(options.without.length ? [`--without ${options.without.join(',')}`] : []),
].join(' ');

console.log(
  `chaos: ${options.schedules} schedules from seed ${options.seed}, ${options.durationMs} ms each, up to ${options.maxFaults} overlapping faults, ${cluster ? `a cluster of ${options.instances} instances` : 'one instance'}${options.without.length ? `, without ${options.without.join(', ')}` : ''}`,
);
const started = Date.now();
const loadBefore = loadavg()[0]!;
const report = await runChaos(options);
const loadAfter = loadavg()[0]!;
const convergence = summarize(report.convergenceMs);
const crash = summarize(report.crashRecoveryMs);
const faults = Object.values(report.faults).reduce((a, b) => a + b, 0);

console.log(
  `\nchaos summary (${((Date.now() - started) / 1000).toFixed(0)} s, seed ${options.seed}, ${report.mode})`,
);
console.log(`  schedules run        ${report.schedules}`);
console.log(
  `  faults injected      ${faults}: ${Object.entries(report.faults)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')}`,
);
console.log(
  `  writes               ${report.writes.api} through the API, ${report.writes.sql} in SQL`,
);
console.log(`  stale views          ${report.stale.length} (goal 0)`);
for (const s of report.stale)
  console.log(
    `    schedule ${s.schedule} (replay: npm run chaos -- --seed ${s.seed} --schedules 1 ${drawOptions}) page "${s.page}": ${s.difference}\n      faults: ${s.faults}`,
  );
console.log(
  `  convergence          p50 ${convergence.p50} ms, p99 ${convergence.p99} ms, max ${convergence.max} ms (goal p99 ≤ 1 s)`,
);
console.log(
  `  crash → converged    ${report.crashRecoveryMs.length ? `p50 ${crash.p50} ms, p99 ${crash.p99} ms, max ${crash.max} ms over ${crash.count}` : 'no crash healed last'} (goal p99 ≤ 5 s)`,
);
console.log(`  refetches per fault  ${faults ? (report.refetches / faults).toFixed(1) : '-'}`);
if (report.crashes.length) console.log(`  page crashes         ${report.crashes.join('; ')}`);

if (!quick) {
  const here = dirname(fileURLToPath(import.meta.url));
  // A scenario of its own, so a cluster run's figures sit beside the single instance's.
  const scenario = cluster ? 'chaos-cluster' : 'chaos';
  const rec = new Recorder(scenario);
  recordChaos(rec, report);
  // With the seed, even when it was drawn at random: the command replays the run.
  const args = process.argv.slice(2);
  if (values.seed === undefined) args.push('--seed', String(options.seed));
  const command = `npm run chaos -- ${args.join(' ')}`;
  writeResults(resolve(here, '../bench/results.json'), resolve(here, '../bench/results.md'), {
    command,
    quick: false,
    scenarios: {
      [scenario]: {
        ran: new Date().toISOString(),
        seconds: (Date.now() - started) / 1000,
        load: [loadBefore, loadAfter],
      },
    },
    figures: rec.figures,
  });
  console.log('  wrote bench/results.json and bench/results.md');
}
process.exit(report.stale.length || report.crashes.length ? 1 : 0);
