import {
  FAULT_KINDS,
  FREEZE_ENDS_IN_RESET,
  FREEZE_WEBSOCKET_ONLY,
  INSTANCE_FAULTS,
  NETWORK_FAULTS,
  PAGE_FAULTS,
  type PlannedFault,
} from './faults';
import type { Random } from './random';

export interface ScheduleOptions {
  /** How long faults may keep starting and lasting, ms. */
  durationMs: number;
  /** Most faults in one schedule (at least 1). */
  maxFaults: number;
  /** How many pages are open. */
  pages: number;
  /** Longest a page may sleep, ms: past the heartbeat it is a sleeping laptop. */
  maxSleepMs: number;
}

/**
 * A random, overlapping set of faults: from 1 to `maxFaults` kinds, each starting at a random
 * point of the first 60% of the schedule and lasting up to its end; at most one that stops the
 * instance, at most one page fault per page; network faults hit a random set of pages. The same Random state draws the same schedule.
 */
export function planSchedule(random: Random, options: ScheduleOptions): PlannedFault[] {
  const count = random.int(1, options.maxFaults);
  const kinds = random.sample(FAULT_KINDS, FAULT_KINDS.length);
  const faults: PlannedFault[] = [];
  const allPages = Array.from({ length: options.pages }, (_, i) => i);
  const freePages = random.sample(allPages, options.pages);
  let instanceFault = false;
  for (const kind of kinds) {
    if (faults.length === count) break;
    if (INSTANCE_FAULTS.includes(kind)) {
      if (instanceFault) continue;
      instanceFault = true;
    }
    let pages: number[] | undefined;
    if (PAGE_FAULTS.includes(kind)) {
      const page = freePages.pop();
      if (page === undefined) continue;
      pages = [page];
    } else if (NETWORK_FAULTS.includes(kind)) {
      pages = random.sample(allPages, random.int(1, options.pages)).sort();
    }
    const at = random.int(0, Math.floor(options.durationMs * 0.6));
    let duration = random.int(300, options.durationMs - at);
    if (kind === 'sleep') duration = Math.min(duration, options.maxSleepMs);
    const detail =
      kind === 'slow'
        ? random.int(50, 800)
        : kind === 'freeze'
          ? random.int(0, FREEZE_ENDS_IN_RESET | FREEZE_WEBSOCKET_ONLY)
          : kind === 'listen-freeze'
            ? random.int(0, FREEZE_ENDS_IN_RESET)
            : kind === 'switch'
              ? random.int(0, 1_000)
              : undefined;
    faults.push({
      kind,
      at,
      duration,
      ...(pages === undefined ? {} : { pages }),
      ...(detail === undefined ? {} : { detail }),
    });
  }
  return faults.sort((a, b) => a.at - b.at);
}

/** A schedule in one line, for the report of a stale view. */
export function describeSchedule(faults: readonly PlannedFault[]): string {
  return faults
    .map(
      (f) =>
        `${f.kind}${f.pages === undefined ? '' : `(page ${f.pages.join('+')})`}@${f.at}ms+${f.duration}ms${f.detail === undefined ? '' : ` [${f.detail}]`}`,
    )
    .join(', ');
}
