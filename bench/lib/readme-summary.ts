import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { formatRatio, formatValue, type Results } from './results.ts';

/**
 * The README's benchmark table sits between these two markers and is rewritten by every full
 * `npm run bench`, so no figure in it is typed by hand and it cannot drift from results.md.
 */
export const SUMMARY_START = '<!-- bench:summary (written by npm run bench; do not edit) -->';
export const SUMMARY_END = '<!-- /bench:summary -->';

/**
 * One row per figure that has a goal, with its same-run ratio to a peer where one ran. The
 * scenario column is the name `npm run bench -- <name>` reruns it by.
 */
export function renderSummary(r: Results): string {
  const lines = [
    `Last written by \`${r.command}\` on ${r.generated.slice(0, 10)} (Node ${r.machine.node}, ${r.machine.cpus} × ${r.machine.cpu}` +
      (r.machine.commit ? `, commit ${r.machine.commit}` : '') +
      '); every figure, its notes, and when and under what load each scenario ran are in [bench/results.md](bench/results.md).',
    '',
    '| Scenario | Figure | changefeed | Same-run ratio | Goal | Holds |',
    '| --- | --- | ---: | --- | --- | :---: |',
  ];
  for (const f of r.figures.filter((x) => x.goal)) {
    const ratio = f.ratio !== undefined && f.ratio !== null ? `${formatRatio(f.ratio)} ${f.baseline!.subject}` : '';
    const holds = f.holds === undefined ? '?' : f.holds ? 'yes' : '**no**';
    lines.push(`| \`${f.scenario}\` | ${f.label} | ${formatValue(f.value, f.unit)} | ${ratio} | ${f.goal!.text} | ${holds} |`);
  }
  return lines.join('\n');
}

/**
 * Replaces what lies between the markers in `readmePath` with {@link renderSummary}. Returns
 * false, writing nothing, when the file or either marker is missing: the README is the reader's
 * document and is never restructured by a benchmark.
 */
export function updateReadmeSummary(readmePath: string, r: Results): boolean {
  if (!existsSync(readmePath)) return false;
  const text = readFileSync(readmePath, 'utf8');
  const start = text.indexOf(SUMMARY_START);
  const end = text.indexOf(SUMMARY_END, start);
  if (start < 0 || end < 0) return false;
  writeFileSync(readmePath, text.slice(0, start + SUMMARY_START.length) + '\n' + renderSummary(r) + '\n' + text.slice(end));
  return true;
}
