/**
 * Chaos: random fault schedules against real pages on the demo (the same run as `npm run chaos`),
 * longer than the fixed-seed one `npm test` includes. A stale view fails its goal of 0.
 */
import type { Scenario } from '../lib/scenario.ts';
import { recordChaos } from '../../chaos/lib/chaos-figures.ts';
import { CHAOS_ENV, runChaos } from '../../chaos/lib/run-chaos.ts';

export const chaos: Scenario = {
  name: 'chaos',
  description: 'random overlapping faults against real pages: stale views, convergence, crash recovery',
  async run(ctx) {
    const seed = Math.floor(Math.random() * 1e6);
    ctx.log(`seed ${seed} (replay with npm run chaos -- --seed ${seed})`);
    const report = await runChaos({
      schedules: ctx.quick ? 4 : 30,
      seed,
      durationMs: 10_000,
      maxFaults: 3,
      env: CHAOS_ENV,
      maxSleepMs: 15_000,
      log: ctx.log,
    });
    recordChaos(ctx.rec, report);
  },
};
