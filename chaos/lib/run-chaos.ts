import { difference, truth } from './truth';
import {
  FAULT_KINDS,
  runFault,
  SINGLE_INSTANCE_KINDS,
  writesEndAt,
  type FaultKind,
  type PlannedFault,
} from './faults';
import { Random } from './random';
import { describeSchedule, planSchedule } from './schedule';
import { Stack } from './stack';
import type { ViewPage } from './view-page';
import { Writer } from './writer';

export interface ChaosOptions {
  schedules: number;
  seed: number;
  /** How long each schedule's faults may keep starting and lasting, ms. */
  durationMs: number;
  /** Most overlapping faults per schedule. */
  maxFaults: number;
  /** Environment for demo-api (e.g. a short heartbeat so a sleeping page is noticed soon). */
  env: Record<string, string>;
  /** Longest a page may sleep, ms. */
  maxSleepMs: number;
  /** Cluster: how many demo-api instances share a log on Redis (2 to 5); 0 (default): one instance. */
  instances?: number;
  /** Fault kinds never drawn; default none. */
  without?: readonly FaultKind[];
  log: (line: string) => void;
}

/** A view still wrong 5 s after its page was open again with every fault healed. */
export interface StaleView {
  schedule: number;
  seed: number;
  faults: string;
  page: string;
  difference: string;
}

export interface ChaosReport {
  /** What ran: `one instance`, or `cluster of N instances`. */
  mode: string;
  schedules: number;
  /** Faults injected by kind: every kind the mode draws (one excluded with `without` as 0). */
  faults: Partial<Record<FaultKind, number>>;
  stale: StaleView[];
  /** Per page and schedule: ms from the page open again (and faults healed) to showing the database. */
  convergenceMs: number[];
  /** Per crash healed last: ms from the restarted server accepting to every view converged. */
  crashRecoveryMs: number[];
  refetches: number;
  writes: { api: number; sql: number };
  crashes: string[];
}

/**
 * demo-api's environment in a chaos run: a 3 s heartbeat, so a page asleep for longer than it is
 * noticed within seconds rather than after the default 25.
 */
export const CHAOS_ENV: Record<string, string> = { DEMO_HEARTBEAT_MS: '3000' };

/** Past this a view that still differs from the database is stale. */
export const STALE_AFTER_MS = 5_000;
/** How long a page may take to be open again once every fault has healed. */
const REOPEN_TIMEOUT_MS = 60_000;

/**
 * Runs `schedules` random fault schedules against one demo stack: during each, a writer changes
 * the data through the API and in SQL while the schedule's faults overlap; once every fault has
 * healed and the writer has stopped, each page must show exactly what a fresh query returns
 * within {@link STALE_AFTER_MS} of being open again.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { log } = options;
  const instances = options.instances ?? 0;
  const without = options.without ?? [];
  if (instances !== 0 && !(Number.isSafeInteger(instances) && instances >= 2 && instances <= 5))
    throw new TypeError(`chaos: instances must be 0 (one instance) or 2 to 5, got ${instances}`);
  const drawn = instances ? FAULT_KINDS : SINGLE_INSTANCE_KINDS;
  const report: ChaosReport = {
    mode: instances ? `cluster of ${instances} instances` : 'one instance',
    schedules: 0,
    faults: Object.fromEntries(drawn.map((k) => [k, 0])),
    stale: [],
    convergenceMs: [],
    crashRecoveryMs: [],
    refetches: 0,
    writes: { api: 0, sql: 0 },
    crashes: [],
  };
  // Drawn in a fixed order, so a seed replays the same schedules with the same options.
  const kinds = drawn.filter((k) => !without.includes(k));
  if (!kinds.length) throw new TypeError('chaos: --without leaves no fault kind to draw');
  const stack = await Stack.start(
    options.env,
    instances
      ? {
          instances,
          // The run's own keys on a shared Redis, deleted afterwards.
          redisPrefix: `chaos-${process.pid}-${options.seed}`,
        }
      : null,
  );
  const writerDb = stack.writerPool();
  try {
    for (let i = 0; i < options.schedules; i++) {
      // Each schedule draws from its own seed, so one can be replayed alone: --seed S+i --schedules 1.
      const seed = options.seed + i;
      const random = new Random(seed);
      const faults = planSchedule(random, {
        durationMs: options.durationMs,
        maxFaults: options.maxFaults,
        pages: stack.pages.length,
        maxSleepMs: options.maxSleepMs,
        kinds,
        instances,
      });
      const described = describeSchedule(faults);
      log(`schedule ${i + 1}/${options.schedules} (seed ${seed}): ${described}`);
      // The writer draws from a random source of its own: how many writes land depends on timing,
      // and must not shift the draws of later schedules.
      const writer = new Writer(
        writerDb,
        `http://127.0.0.1:${stack.entryPort}`,
        new Random(~seed),
        stack.pinned,
        `s${seed}`,
      );
      const refetchesBefore = sum(stack.pages.map((p) => p.refetches));
      writer.start(100);
      const started = Date.now();
      const writesEnd = sleep(writesEndAt(faults)).then(() => writer.stop());
      let lastHealed: PlannedFault | undefined;
      await Promise.all(
        faults.map(async (fault) => {
          await sleep(fault.at - (Date.now() - started));
          report.faults[fault.kind] = (report.faults[fault.kind] ?? 0) + 1;
          await runFault(fault, { stack, writer, random });
          lastHealed = fault;
        }),
      );
      await writesEnd;
      report.writes.api += writer.landed.api;
      report.writes.sql += writer.landed.sql;
      const healedAt = Date.now();

      const converged = await Promise.all(
        stack.pages.map((page) => convergence(stack, page, healedAt)),
      );
      for (const [p, result] of converged.entries()) {
        const page = stack.pages[p]!;
        if (result.ms === null) {
          report.stale.push({
            schedule: i + 1,
            seed,
            faults: described,
            page: page.name,
            difference: result.difference,
          });
          log(`  STALE VIEW on page "${page.name}": ${result.difference}`);
        } else report.convergenceMs.push(result.ms);
      }
      if (lastHealed?.kind === 'crash' && converged.every((c) => c.at !== null)) {
        const all = Math.max(...converged.map((c) => c.at!));
        report.crashRecoveryMs.push(
          all - stack.instances[lastHealed.instance ?? 0]!.acceptingSince,
        );
      }
      const refetches = sum(stack.pages.map((p) => p.refetches)) - refetchesBefore;
      report.refetches += refetches;
      report.schedules++;
      log(
        `  converged: ${converged.map((c, p) => `${stack.pages[p]!.name} ${c.ms === null ? 'STALE' : `${c.ms} ms`}`).join(', ')}; ${refetches} refetches`,
      );
      // The next schedule starts clean: a stale page reloaded (else its old fault would be
      // reported again, or hide a new one), every instance up again.
      await Promise.all(
        converged.map(async (c, p) => {
          if (c.ms !== null) return;
          const page = stack.pages[p]!;
          await page.reload();
          await page.restore();
          await page.waitForState('open', REOPEN_TIMEOUT_MS).catch(() => {});
        }),
      );
      await stack.reviveGone();
    }
    for (const page of stack.pages)
      report.crashes.push(...page.crashes.map((c) => `${page.name}: ${c}`));
  } finally {
    await writerDb.end().catch(() => {});
    await stack.stop();
  }
  return report;
}

/**
 * Waits for `page` to be open, then for it to show what the database holds. `ms` counts from
 * the later of "open again" and "every fault healed"; null when still wrong after STALE_AFTER_MS.
 */
async function convergence(
  stack: Stack,
  page: ViewPage,
  healedAt: number,
): Promise<{ ms: number | null; at: number | null; difference: string }> {
  try {
    await page.waitForState('open', REOPEN_TIMEOUT_MS);
  } catch {
    return {
      ms: null,
      at: null,
      difference: `still "${await page.state()}" ${REOPEN_TIMEOUT_MS} ms after every fault healed`,
    };
  }
  const from = Math.max(Date.now(), healedAt);
  const expected = await truth(stack.db, page.view);
  let diff = '';
  while (Date.now() - from <= STALE_AFTER_MS) {
    diff = difference(await page.shown(), expected);
    if (!diff) return { ms: Date.now() - from, at: Date.now(), difference: '' };
    await sleep(25);
  }
  return { ms: null, at: null, difference: diff };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
