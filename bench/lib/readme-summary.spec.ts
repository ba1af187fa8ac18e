import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUMMARY_END, SUMMARY_START, updateReadmeSummary } from './readme-summary.ts';
import { Recorder, type Results } from './results.ts';

describe('updateReadmeSummary', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cf-readme-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function results(): Results {
    const rec = new Recorder('fanout');
    rec.add({ name: 'plain', label: 'Server RSS', value: 121.3, unit: 'MiB' });
    rec.add({
      name: 'burst',
      label: 'Burst deliveries/s',
      value: 2_314_000,
      unit: '/s',
      baseline: { subject: 'socket.io', value: 171_500 },
      goal: { on: 'ratio', op: '>=', target: 3, text: '≥ 3× socket.io' },
    });
    const storm = new Recorder('reconnect-storm');
    storm.add({ name: 'peak', label: 'Peak ÷ mean', value: 2.56, unit: '×', goal: { on: 'value', op: '<=', target: 2, text: '≤ 2×' } });
    return {
      generated: '2026-12-02T04:08:02.245Z',
      command: 'npm run bench',
      quick: false,
      machine: { node: 'v20.20.2', cpus: 2, cpu: 'Xeon', commit: 'abc1234' },
      scenarios: {},
      figures: [...rec.figures, ...storm.figures],
    };
  }

  it('rewrites only what lies between the markers: one row per goal, its ratio and whether it holds', () => {
    const path = join(dir, 'README.md');
    writeFileSync(path, `# Title\n\nbefore\n\n${SUMMARY_START}\nstale table\n${SUMMARY_END}\n\nafter\n`);
    expect(updateReadmeSummary(path, results())).toBeTrue();
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith(`# Title\n\nbefore\n\n${SUMMARY_START}\n`)).toBeTrue();
    expect(text.endsWith(`${SUMMARY_END}\n\nafter\n`)).toBeTrue();
    expect(text).not.toContain('stale table');
    expect(text).not.toContain('Server RSS');
    expect(text).toContain('| `fanout` | Burst deliveries/s | 2,314,000 /s | 13.5× socket.io | ≥ 3× socket.io | yes |');
    expect(text).toContain('| `reconnect-storm` | Peak ÷ mean | 2.56 × |  | ≤ 2× | **no** |');
    expect(text).toContain('Last written by `npm run bench` on 2026-12-02 (Node v20.20.2, 2 × Xeon, commit abc1234)');
  });

  it('writes nothing to a README without both markers', () => {
    const path = join(dir, 'README.md');
    writeFileSync(path, `# Title\n\n${SUMMARY_START}\nno end marker\n`);
    expect(updateReadmeSummary(path, results())).toBeFalse();
    expect(readFileSync(path, 'utf8')).toBe(`# Title\n\n${SUMMARY_START}\nno end marker\n`);
    expect(updateReadmeSummary(join(dir, 'missing.md'), results())).toBeFalse();
  });
});
