import {
  FREEZE_ENDS_IN_RESET,
  FREEZE_WEBSOCKET_ONLY,
  INSTANCE_FAULTS,
  NETWORK_FAULTS,
  PAGE_FAULTS,
  REDIS_DOWN,
  type FaultKind,
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
  /** The kinds to draw from, in a fixed order (the same order draws the same schedules). */
  kinds: readonly FaultKind[];
  /** Cluster: how many instances (instance faults and redis-cuts pick among them); 0: one instance. */
  instances: number;
}

/**
 * A random, overlapping set of faults: from 1 to `maxFaults` kinds, each starting at a random
 * point of the first 60% of the schedule and lasting up to its end; at most one page fault per
 * page; network faults hit a random set of pages. One instance: at most one fault stops it. A
 * cluster: instance faults hit distinct instances, never all of them, and a redis-cut hits one
 * instance's Redis connections or all. The same Random state draws the same schedule.
 */
export function planSchedule(random: Random, options: ScheduleOptions): PlannedFault[] {
  const count = random.int(1, options.maxFaults);
  const kinds = random.sample(options.kinds, options.kinds.length);
  const faults: PlannedFault[] = [];
  const allPages = Array.from({ length: options.pages }, (_, i) => i);
  const freePages = random.sample(allPages, options.pages);
  let instanceFault = false;
  // A cluster keeps one instance out of reach of every instance fault: it stays up throughout.
  const freeInstances = random.sample(
    Array.from({ length: options.instances }, (_, i) => i),
    Math.max(0, options.instances - 1),
  );
  for (const kind of kinds) {
    if (faults.length === count) break;
    let instance: number | undefined;
    if (INSTANCE_FAULTS.includes(kind)) {
      if (options.instances) {
        instance = freeInstances.pop();
        if (instance === undefined) continue;
      } else {
        if (instanceFault) continue;
        instanceFault = true;
      }
    }
    if (kind === 'redis-cut' && random.chance(0.5)) instance = random.int(0, options.instances - 1);
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
              : kind === 'redis-cut'
                ? random.int(0, REDIS_DOWN)
                : undefined;
    faults.push({
      kind,
      at,
      duration,
      ...(pages === undefined ? {} : { pages }),
      ...(detail === undefined ? {} : { detail }),
      ...(instance === undefined ? {} : { instance }),
    });
  }
  return faults.sort((a, b) => a.at - b.at);
}

/** A schedule in one line, for the report of a stale view. */
export function describeSchedule(faults: readonly PlannedFault[]): string {
  return faults
    .map(
      (f) =>
        `${f.kind}${f.pages === undefined ? '' : `(page ${f.pages.join('+')})`}${f.instance === undefined ? '' : `(instance ${f.instance})`}@${f.at}ms+${f.duration}ms${f.detail === undefined ? '' : ` [${f.detail}]`}`,
    )
    .join(', ');
}
