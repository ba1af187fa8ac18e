import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface FdLimit {
  soft: number;
  hard: number;
}

export function readFdLimit(pid: number | 'self' = 'self'): FdLimit {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const [soft, hard] = (line ?? '').split(/\s+/).slice(3, 5).map((v) => (v === 'unlimited' ? Infinity : Number(v)));
  return { soft, hard };
}

/**
 * Raises this process's RLIMIT_NOFILE (children inherit it) with `prlimit --pid`, the only way
 * from Node, which has no setrlimit. Without CAP_SYS_RESOURCE (a container may drop it even for
 * root) the hard limit cannot grow: then the soft limit goes up to the hard one and the caller
 * learns what it got, so a scenario can size itself or say what it skipped.
 */
export function raiseFdLimit(wanted: number): FdLimit {
  const now = readFdLimit();
  if (now.soft >= wanted) return now;
  for (const target of [wanted, Math.min(wanted, now.hard)]) {
    const hard = Math.max(target, now.hard);
    try {
      execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${target}:${hard === Infinity ? 'unlimited' : hard}`], {
        stdio: 'ignore',
      });
      break;
    } catch {
      // EPERM: no CAP_SYS_RESOURCE; fall through to the next, smaller target.
    }
  }
  return readFdLimit();
}
