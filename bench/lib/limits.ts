import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface FdLimit {
  soft: number;
  hard: number;
}

export interface RaisedFdLimit extends FdLimit {
  /** Why `wanted` was not reached: prlimit's own message (e.g. EPERM without CAP_SYS_RESOURCE). */
  refused?: string;
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
 * learns what it got and why, so a scenario can size itself or say what it skipped.
 */
export function raiseFdLimit(wanted: number): RaisedFdLimit {
  const now = readFdLimit();
  if (now.soft >= wanted) return now;
  let refused: string | undefined;
  for (const target of [wanted, Math.min(wanted, now.hard)]) {
    const hard = Math.max(target, now.hard);
    const arg = `--nofile=${target}:${hard === Infinity ? 'unlimited' : hard}`;
    try {
      execFileSync('prlimit', ['--pid', String(process.pid), arg], { stdio: ['ignore', 'ignore', 'pipe'] });
      break;
    } catch (e) {
      // EPERM: no CAP_SYS_RESOURCE; fall through to the next, smaller target.
      // prlimit says "prlimit: failed to set the NOFILE resource limit: Operation not permitted": keep the cause.
      const said = String((e as { stderr?: Buffer }).stderr ?? '').trim() || (e as Error).message;
      refused ??= `prlimit ${arg}: ${said.split(': ').pop() || 'failed'}`;
    }
  }
  const got = readFdLimit();
  return got.soft >= wanted ? got : { ...got, refused: refused ?? `the hard limit is ${got.hard}` };
}
