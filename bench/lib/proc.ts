import { readFileSync } from 'node:fs';

/** Resource use of one process, as the process itself reports it (see workers). */
export interface ProcSample {
  at: number; // monoMs
  rss: number; // bytes
  cpu: number; // user + system, ms
}

export function sampleSelf(): ProcSample {
  const { user, system } = process.cpuUsage();
  return { at: Number(process.hrtime.bigint()) / 1e6, rss: process.memoryUsage.rss(), cpu: (user + system) / 1000 };
}

/** RSS of any pid from /proc, bytes. */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb * 1024;
}

/** CPU share between two samples: 1.0 = one core busy. */
export function cpuShare(a: ProcSample, b: ProcSample): number {
  return (b.cpu - a.cpu) / Math.max(1e-9, b.at - a.at);
}
