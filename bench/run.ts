/**
 * `npm run bench [-- [--quick] [scenario ...]]`
 *
 * Runs the scenarios (all by default) one after another, each in its own processes, and writes
 * bench/results.json (one entry per figure) and bench/results.md (the table the README links).
 * A run of some scenarios keeps the other scenarios' figures from the previous results.json.
 */
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { Recorder, writeResults, type Figure, type Results } from './lib/results.ts';
import { updateReadmeSummary } from './lib/readme-summary.ts';
import type { Scenario } from './lib/scenario.ts';
import { raiseFdLimit } from './lib/limits.ts';
import { loadavg } from 'node:os';
import { scenarios } from './scenarios/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const unknownFlags = argv.filter((a) => a.startsWith('-') && a !== '--quick');
const names = argv.filter((a) => !a.startsWith('-'));
const byName = new Map(scenarios.map((s) => [s.name, s]));
const unknown = names.filter((n) => !byName.has(n));
if (unknownFlags.length || unknown.length) {
  console.error(`bench: unknown ${[...unknownFlags, ...unknown].join(', ')}. Usage: npm run bench -- [--quick] [${scenarios.map((s) => s.name).join(' | ')} ...]`);
  process.exit(2);
}
const selected: Scenario[] = names.length ? names.map((n) => byName.get(n)!) : scenarios;

// Children inherit the limit; scenarios that need more connections than it allows say so.
const fd = raiseFdLimit(1_048_576);
console.log(`bench: ${quick ? 'quick' : 'full'} run of ${selected.map((s) => s.name).join(', ')} (open files limit ${fd.soft})`);

const started = Date.now();
const figures: Figure[] = [];
const ran: Results['scenarios'] = {};
for (const scenario of selected) {
  const rec = new Recorder(scenario.name);
  const skipped: string[] = [];
  const t0 = Date.now();
  const loadBefore = loadavg()[0];
  console.log(`\n▶ ${scenario.name}: ${scenario.description} (load average ${loadBefore.toFixed(2)})`);
  let error: string | undefined;
  try {
    await scenario.run({
      quick,
      rec,
      log: (m) => console.log(`  ${scenario.name}: ${m}`),
      skip: (what) => {
        skipped.push(what);
        console.log(`  ${scenario.name}: not measured: ${what}`);
      },
    });
  } catch (e) {
    error = e instanceof Error ? e.stack ?? e.message : String(e);
    console.error(`  ${scenario.name} failed: ${error}`);
  }
  const seconds = (Date.now() - t0) / 1000;
  ran[scenario.name] = { ran: new Date().toISOString(), seconds, load: [loadBefore, loadavg()[0]], ...(error ? { error } : {}), ...(skipped.length ? { skipped } : {}) };
  figures.push(...rec.figures);
  for (const f of rec.figures) {
    const ratio = f.ratio !== undefined ? `  (${f.ratio}× ${f.baseline!.subject})` : '';
    const goal = f.goal ? `  goal ${f.goal.text}: ${f.holds ? 'holds' : 'MISSED'}` : '';
    console.log(`  ${f.label} [${f.subject}] = ${typeof f.value === 'number' ? +f.value.toPrecision(4) : f.value} ${f.unit}${ratio}${goal}`);
  }
  console.log(`  (${seconds.toFixed(1)} s)`);
}

const command = `npm run bench${argv.length ? ' -- ' + argv.join(' ') : ''}`;
const results = writeResults(resolve(here, 'results.json'), resolve(here, 'results.md'), { command, quick, scenarios: ran, figures, order: scenarios.map((s) => s.name) });
// Quick figures come from smaller samples: the README keeps the last full run's.
const readme = quick ? false : updateReadmeSummary(resolve(here, '../README.md'), results);
const goals = results.figures.filter((f) => f.scenario in ran && f.goal);
console.log(`\nbench: done in ${((Date.now() - started) / 1000).toFixed(1)} s; ${goals.filter((f) => f.holds).length}/${goals.length} goals hold; wrote bench/results.json and bench/results.md${readme ? ' and the table in README.md' : ''}`);
process.exit(Object.values(ran).some((s) => s.error) ? 1 : 0);
