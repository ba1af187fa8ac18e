import type { Random } from './random';
import type { Stack } from './stack';
import type { ViewPage } from './view-page';
import type { Writer } from './writer';

/** Every kind of fault a schedule can inject. */
export const FAULT_KINDS = [
  'crash', // demo-api killed with SIGKILL, restarted later: a new epoch, no 1001
  'restart', // demo-api stopped gracefully (1001 with a window), started later
  'drop', // every browser connection reset by the network
  'freeze', // the browser's connections half-open: nothing passes either way, then thawed or dropped
  'slow', // every chunk between browser and server delayed
  'offline', // one browser offline (DevTools), then online
  'hidden', // one page hidden, then visible
  'sleep', // one page frozen (Page lifecycle), then resumed: a sleeping laptop when longer than the heartbeat
  'listen-kill', // the LISTEN connection terminated in Postgres (pg_terminate_backend)
  'listen-freeze', // the LISTEN connection frozen between demo-api and Postgres
  'burst', // 500 inserts in one transaction
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults that stop the one demo-api instance: at most one per schedule. */
export const INSTANCE_FAULTS: readonly FaultKind[] = ['crash', 'restart'];
/** Faults on one page: at most one per page per schedule (a frozen page answers nothing else). */
export const PAGE_FAULTS: readonly FaultKind[] = ['offline', 'hidden', 'sleep'];

/** One fault as scheduled: when it starts and how long it lasts, ms from the schedule's start. */
export interface PlannedFault {
  kind: FaultKind;
  at: number;
  duration: number;
  /** The page a page fault hits, by index. */
  page?: number;
  /** slow: the added latency, ms; freeze: whether it ends by dropping rather than thawing. */
  detail?: number;
}

export interface FaultContext {
  stack: Stack;
  writer: Writer;
  random: Random;
}

/** Injects `fault`, waits its duration, heals it. Resolves once it is healed. */
export async function runFault(
  fault: PlannedFault,
  { stack, writer }: FaultContext,
): Promise<void> {
  const page: ViewPage | undefined = fault.page === undefined ? undefined : stack.pages[fault.page];
  const lasting = () => new Promise((r) => setTimeout(r, fault.duration));
  switch (fault.kind) {
    case 'crash':
      await stack.instance.kill();
      await lasting();
      return stack.instance.start();
    case 'restart':
      await stack.instance.stop();
      await lasting();
      return stack.instance.start();
    case 'drop':
      return stack.browserProxy.drop();
    case 'freeze':
      stack.browserProxy.freeze();
      await lasting();
      if (fault.detail) stack.browserProxy.drop();
      return stack.browserProxy.thaw();
    case 'slow':
      stack.browserProxy.slow(fault.detail ?? 300);
      await lasting();
      return stack.browserProxy.slow(0);
    case 'offline':
      await page!.setOffline(true);
      await lasting();
      return page!.setOffline(false);
    case 'hidden':
      await page!.setHidden(true);
      await lasting();
      return page!.setHidden(false);
    case 'sleep':
      await page!.setFrozen(true);
      await lasting();
      return page!.setFrozen(false);
    case 'listen-kill':
      await stack.db.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = 'changefeed-listener'`,
        [stack.databaseName],
      );
      return;
    case 'listen-freeze': {
      const ports = new Set((await stack.listeners()).map((l) => l.port));
      stack.dbProxy.freezeWhere((port) => port !== undefined && ports.has(port));
      await lasting();
      return stack.dbProxy.thaw();
    }
    case 'burst':
      return writer.burst(500);
  }
}
