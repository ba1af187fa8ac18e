import type { Recorder } from '../../bench/lib/results.ts';
import { summarize } from '../../bench/lib/stats.ts';
import type { ChaosReport } from './run-chaos';

/** The chaos report as benchmark figures, with the goals of issue #14. */
export function recordChaos(rec: Recorder, report: ChaosReport): void {
  const faults = Object.values(report.faults).reduce((a, b) => a + b, 0);
  const byKind = Object.entries(report.faults)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  rec.add({
    name: 'stale_views',
    label: `Stale views in ${report.schedules} random fault schedules (${faults} faults, ${report.mode})`,
    value: report.stale.length,
    unit: '',
    better: 'lower',
    goal: { on: 'value', op: '<=', target: 0, text: '0' },
    note: `faults: ${byKind}; writes ${report.writes.api} through the API, ${report.writes.sql} in SQL`,
  });
  const convergence = summarize(report.convergenceMs);
  rec.add({
    name: 'convergence_p50_ms',
    label: 'Convergence after reconnect, p50',
    value: convergence.p50,
    unit: 'ms',
    better: 'lower',
  });
  rec.add({
    name: 'convergence_p99_ms',
    label: 'Convergence after reconnect, p99',
    value: convergence.p99,
    unit: 'ms',
    better: 'lower',
    goal: { on: 'value', op: '<=', target: 1000, text: '≤ 1 s' },
    note: `max ${convergence.max} ms over ${convergence.count} page checks`,
  });
  const crash = summarize(report.crashRecoveryMs);
  rec.add({
    name: 'crash_recovery_p99_ms',
    label: `Server accepting again after kill -9 → every view converged, p99 (${report.mode})`,
    value: report.crashRecoveryMs.length ? crash.p99 : null,
    unit: 'ms',
    better: 'lower',
    goal: { on: 'value', op: '<=', target: 5000, text: '≤ 5 s' },
    note: report.crashRecoveryMs.length
      ? `p50 ${crash.p50} ms, max ${crash.max} ms over ${crash.count} crashes healed last`
      : 'no crash was healed last in this run',
  });
  rec.add({
    name: 'refetches_per_fault',
    label: 'Refetches per fault (all pages)',
    value: faults ? report.refetches / faults : null,
    unit: '',
    better: 'lower',
  });
}
