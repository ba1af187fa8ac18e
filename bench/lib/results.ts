import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** A goal on a figure's value, or on its ratio to the baseline. */
export interface Goal {
  on: 'value' | 'ratio';
  op: '<=' | '>=';
  target: number;
  /** How a person reads it, e.g. "≥ 3× socket.io". */
  text: string;
}

/** One measured number. Every one comes from a measurement in this run; none is typed in. */
export interface Figure {
  scenario: string;
  /** Stable dotted name, e.g. `fanout.burst.deliveries_per_s.changefeed`. */
  name: string;
  /** What a person reads in the table. */
  label: string;
  /** Who was measured: `changefeed` or a peer such as `socket.io`. */
  subject: string;
  value: number | null;
  unit: string;
  better?: 'higher' | 'lower';
  /** The peer measured the same way in the same run. */
  baseline?: { subject: string; value: number };
  /** value / baseline.value. */
  ratio?: number;
  goal?: Goal;
  holds?: boolean;
  note?: string;
}

export interface FigureInput {
  name: string;
  label: string;
  subject?: string;
  value: number | null;
  unit: string;
  better?: 'higher' | 'lower';
  baseline?: { subject: string; value: number } | null;
  goal?: Goal;
  note?: string;
}

/** Collects the figures of one scenario and derives ratio and holds. */
export class Recorder {
  readonly figures: Figure[] = [];
  constructor(readonly scenario: string) {}

  add(input: FigureInput): Figure {
    const f: Figure = {
      scenario: this.scenario,
      name: `${this.scenario}.${input.name}`,
      label: input.label,
      subject: input.subject ?? 'changefeed',
      value: input.value === null || Number.isFinite(input.value) ? input.value : null,
      unit: input.unit,
    };
    if (input.better) f.better = input.better;
    if (input.baseline && Number.isFinite(input.baseline.value) && f.value !== null) {
      f.baseline = input.baseline;
      f.ratio = input.baseline.value === 0 ? null! : +(f.value / input.baseline.value).toPrecision(4);
    }
    if (input.goal) {
      f.goal = input.goal;
      const measured = input.goal.on === 'ratio' ? f.ratio : f.value;
      if (measured !== undefined && measured !== null) {
        f.holds = input.goal.op === '<=' ? measured <= input.goal.target : measured >= input.goal.target;
      }
    }
    if (input.note) f.note = input.note;
    this.figures.push(f);
    return f;
  }
}

export function round(v: number, digits = 3): number {
  if (!Number.isFinite(v)) return v;
  const m = 10 ** digits;
  return Math.round(v * m) / m;
}

export interface Results {
  generated: string;
  command: string;
  quick: boolean;
  machine: { node: string; cpus: number; cpu: string; commit: string | null };
  scenarios: Record<string, { ran: string; seconds: number; load?: number[]; error?: string; skipped?: string[] }>;
  figures: Figure[];
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/**
 * Writes results.json and results.md. A run of some scenarios replaces those scenarios'
 * figures and keeps the others from the previous file, each scenario stamped with when it ran.
 */
export function writeResults(
  jsonPath: string,
  mdPath: string,
  run: { command: string; quick: boolean; scenarios: Results['scenarios']; figures: Figure[]; order?: string[] },
): Results {
  let previous: Results | undefined;
  if (existsSync(jsonPath)) {
    try {
      previous = JSON.parse(readFileSync(jsonPath, 'utf8'));
    } catch {
      previous = undefined;
    }
  }
  const ranNow = new Set(Object.keys(run.scenarios));
  const results: Results = {
    generated: new Date().toISOString(),
    command: run.command,
    quick: run.quick,
    machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', commit: gitCommit() },
    scenarios: { ...(previous?.scenarios ?? {}), ...run.scenarios },
    figures: [...(previous?.figures ?? []).filter((f) => !ranNow.has(f.scenario)), ...run.figures],
  };
  const order = run.order ?? Object.keys(results.scenarios);
  results.scenarios = Object.fromEntries(Object.entries(results.scenarios).sort(([a], [b]) => rank(order, a) - rank(order, b)));
  results.figures.sort((a, b) => rank(order, a.scenario) - rank(order, b.scenario));
  writeFileSync(jsonPath, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(mdPath, renderMarkdown(results));
  return results;
}

function rank(order: string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

export function formatValue(v: number | null | undefined, unit = ''): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  const abs = Math.abs(v);
  const s = Number.isInteger(v) ? v.toLocaleString('en-US') :
    abs >= 100_000 ? Math.round(v).toLocaleString('en-US') : abs >= 100 ? v.toFixed(0) : abs >= 10 ? v.toFixed(1) : abs >= 1 ? v.toFixed(2) : v.toPrecision(3);
  return unit ? `${s} ${unit}` : s;
}

const scenarioTitles: Record<string, string> = {
  fanout: 'Fan-out to 1,000 clients (100-byte notifications)',
  handler: 'Handler cost: notify()',
  'commit-to-browser': 'Commit to browser: Postgres trigger → server → SDK in Chromium',
  connections: 'Idle connections',
  'reconnect-storm': 'Reconnect storm, 10,000 subscribed clients',
  client: 'Client: dispatch, coalescing, bundle size',
};

export function renderMarkdown(r: Results): string {
  const lines: string[] = [];
  lines.push('# changefeed benchmark results', '');
  lines.push(
    `Last written by \`${r.command}\` on ${r.generated} — Node ${r.machine.node}, ${r.machine.cpus} × ${r.machine.cpu}` +
      (r.machine.commit ? `, commit ${r.machine.commit}` : '') +
      (r.quick ? ' — **quick mode** (smaller samples; run `npm run bench` for the full figures)' : '') +
      '.',
    '',
    'Every figure is measured by `bench/` in the run that wrote this file; ratios compare with a peer',
    'measured the same way in the same run. Ratio = our value ÷ the peer\'s value.',
    '',
  );
  const scenarioNames = Object.keys(r.scenarios);
  for (const s of scenarioNames) {
    const meta = r.scenarios[s];
    const figs = r.figures.filter((f) => f.scenario === s);
    lines.push(`## ${scenarioTitles[s] ?? s}`, '');
    const load = meta.load ? ` Load average (1 min) before and after: ${meta.load.map((l) => l.toFixed(2)).join(' → ')} on ${r.machine.cpus} cores${Math.max(...meta.load) > r.machine.cpus + 2 ? ' — other work competed for the CPU: absolute figures suffer, same-run ratios less' : ''}.` : '';
    lines.push(`Ran ${meta.ran} in ${meta.seconds.toFixed(1)} s.${load}`, '');
    if (meta.error) lines.push(`**Failed:** ${meta.error.split('\n')[0]}`, '');
    for (const skip of meta.skipped ?? []) lines.push(`- Not measured: ${skip}`);
    if (meta.skipped?.length) lines.push('');
    if (figs.length === 0) continue;
    lines.push(...renderTable(figs), '');
  }
  const goals = r.figures.filter((f) => f.goal);
  lines.push('## Goals', '');
  lines.push(`${goals.filter((f) => f.holds).length} of ${goals.length} goals hold.`, '');
  for (const f of goals) lines.push(`- ${f.holds ? '✔' : f.holds === false ? '✘' : '?'} ${f.label} (${f.subject}): ${f.goal!.text} — measured ${f.goal!.on === 'ratio' ? `${formatValue(f.ratio)}×` : formatValue(f.value, f.unit)}`);
  lines.push('');
  return lines.join('\n');
}

/** 3.1× — or, below 1, 0.005× (1/200): a reader should not have to divide. */
export function formatRatio(r: number): string {
  if (r >= 1 || r <= 0) return `${formatValue(r)}×`;
  return `${+r.toPrecision(2)}× (1/${formatValue(1 / r)})`;
}

/**
 * One row per figure label, one column per subject (ours first, then the peers), then our
 * ratio to the baseline, the goal and whether it holds. Notes go under the table.
 */
function renderTable(figs: Figure[]): string[] {
  const subjects = [...new Set(figs.map((f) => f.subject))].sort((a, b) => (a === 'changefeed' ? -1 : b === 'changefeed' ? 1 : 0));
  const labels = [...new Set(figs.map((f) => f.label))];
  const out: string[] = [];
  const head = ['Figure', ...subjects, 'Ratio', 'Goal', 'Holds'];
  out.push(`| ${head.join(' | ')} |`, `| --- | ${subjects.map(() => '---:').join(' | ')} | --- | --- | :---: |`);
  const notes: string[] = [];
  for (const label of labels) {
    const row = figs.filter((f) => f.label === label);
    const main = row.find((f) => f.subject === 'changefeed') ?? row[0];
    const cells = subjects.map((s) => {
      const f = row.find((x) => x.subject === s);
      return f ? formatValue(f.value, f.unit) : '';
    });
    const ratio =
      main.ratio !== undefined && main.ratio !== null
        ? `${formatRatio(main.ratio)} ${main.baseline!.subject}` + (subjects.includes(main.baseline!.subject) ? '' : ` (${formatValue(main.baseline!.value, main.unit)})`)
        : '';
    const holds = main.holds === undefined ? '' : main.holds ? 'yes' : '**no**';
    out.push(`| ${label} | ${cells.join(' | ')} | ${ratio} | ${main.goal?.text ?? ''} | ${holds} |`);
    const distinct = [...new Set(row.map((f) => f.note).filter(Boolean))];
    for (const note of distinct) {
      const who = row.filter((f) => f.note === note).map((f) => f.subject);
      notes.push(`- ${label}${subjects.length > 1 && who.length < row.length ? ` (${who.join(', ')})` : ''}: ${note}`);
    }
  }
  if (notes.length) out.push('', ...notes);
  return out;
}
