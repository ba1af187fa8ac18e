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

/**
 * Scheduler times of a process's main thread (the event loop), ms, from /proc/<pid>/schedstat:
 * `runMs` on a CPU, `waitMs` runnable but waiting for one. Waiting is what a loaded machine adds
 * to every latency figure: it tells a slow server from a starved one.
 */
export function schedOf(pid: number): { runMs: number; waitMs: number } {
  const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ').map(Number);
  return { runMs: run / 1e6, waitMs: wait / 1e6 };
}

/** `schedOf` of several processes, before and after `during`: shares of wall time (1.0 = all of it). */
export async function schedShares<T>(pids: number[], during: () => Promise<T>): Promise<{ result: T; run: number[]; wait: number[] }> {
  const t0 = performance.now();
  const a = pids.map(schedOf);
  const result = await during();
  const b = pids.map(schedOf);
  const ms = performance.now() - t0;
  return { result, run: b.map((x, i) => (x.runMs - a[i].runMs) / ms), wait: b.map((x, i) => (x.waitMs - a[i].waitMs) / ms) };
}
