import type { Recorder } from './results.ts';

export interface ScenarioContext {
  quick: boolean;
  rec: Recorder;
  log: (message: string) => void;
  /** Records a figure this run could not measure, with the reason (shown in results.md). */
  skip: (what: string) => void;
}

export interface Scenario {
  name: string;
  description: string;
  run(ctx: ScenarioContext): Promise<void>;
}
