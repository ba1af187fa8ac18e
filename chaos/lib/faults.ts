import type { Random } from './random';
import type { Stack } from './stack';
import type { View } from './view-page';
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
  'listen-freeze', // the LISTEN connection frozen between demo-api and Postgres, then thawed or reset
  'burst', // 500 inserts in one transaction
  'reload', // one page reloaded while its WebSocket handshake is held: it fetches long before it is subscribed
  'switch', // one page switched to another view (container filter, forum detail), then back
  // Cluster only (--cluster): several instances, one shared log on Redis.
  'gone', // one instance killed for good: not restarted before the schedule's check
  'redis-cut', // the Redis connections of one or all instances frozen or reset for a while, then healed
  'redis-flush', // the chaos prefix's keys deleted from Redis (SCAN + DEL): the log and its epoch gone
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults that need a cluster; a single-instance run never draws them. */
export const CLUSTER_FAULTS: readonly FaultKind[] = ['gone', 'redis-cut', 'redis-flush'];
/**
 * What a single-instance run draws from, in the order it always has: the same seed keeps
 * drawing the same schedules as before the cluster kinds existed.
 */
export const SINGLE_INSTANCE_KINDS: readonly FaultKind[] = FAULT_KINDS.filter(
  (k) => !CLUSTER_FAULTS.includes(k),
);

/**
 * Faults that stop an instance. One instance: at most one per schedule. A cluster: at most one
 * per instance and never on every instance, so one instance at least stays up throughout.
 */
export const INSTANCE_FAULTS: readonly FaultKind[] = ['crash', 'restart', 'gone'];
/** Faults on one page: at most one per page per schedule (a frozen page answers nothing else). */
export const PAGE_FAULTS: readonly FaultKind[] = ['offline', 'hidden', 'sleep', 'reload', 'switch'];
/** Faults on the network between some pages and the server, each page behind a proxy of its own. */
export const NETWORK_FAULTS: readonly FaultKind[] = ['drop', 'freeze', 'slow'];

/** Faults that happen at one instant; their effects (reconnects, a gap) last about this long. */
export const INSTANT_FAULTS: readonly FaultKind[] = [
  'drop',
  'listen-kill',
  'burst',
  'gone',
  'redis-flush',
];
const INSTANT_EFFECT_MS = 1_000;

/**
 * When the writer stops: as the last fault heals (for an instant fault, as its effects settle).
 * Writes stop there so that nothing written afterwards can mask a lost notification: once
 * faults have healed, a view is right only if what happened during them reached it.
 */
export function writesEndAt(faults: readonly PlannedFault[]): number {
  return Math.max(
    0,
    ...faults.map((f) => f.at + (INSTANT_FAULTS.includes(f.kind) ? INSTANT_EFFECT_MS : f.duration)),
  );
}

/** A freeze's detail flag: it ends with its connections reset (a NAT that forgot them), not thawed. */
export const FREEZE_ENDS_IN_RESET = 1;
/** A freeze's detail flag: only the page's WebSocket freezes (a load balancer lost it), HTTP works. */
export const FREEZE_WEBSOCKET_ONLY = 2;
/**
 * A redis-cut's detail: 0 frozen then thawed, FREEZE_ENDS_IN_RESET frozen then reset, or
 * REDIS_DOWN: reset at once and refused until healed (Redis restarting, or unreachable).
 */
export const REDIS_DOWN = 2;

/** One fault as scheduled: when it starts and how long it lasts, ms from the schedule's start. */
export interface PlannedFault {
  kind: FaultKind;
  at: number;
  duration: number;
  /** The pages it hits, by index: one for a page fault, one or more for a network fault. */
  pages?: number[];
  /**
   * slow: the added latency, ms; freeze and listen-freeze: flags, FREEZE_ENDS_IN_RESET (else
   * thawed) and, for freeze, FREEZE_WEBSOCKET_ONLY; switch: which other forum a forum page opens
   * (an index into the forums).
   */
  detail?: number;
  /**
   * Cluster: the instance an instance fault (crash, restart, gone) or a redis-cut hits, by index;
   * a redis-cut without one cuts every instance off Redis at once.
   */
  instance?: number;
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
  const pages = (fault.pages ?? []).map((i) => stack.pages[i]!);
  const proxies = pages.map((page) => page.proxy);
  const lasting = () => new Promise((r) => setTimeout(r, fault.duration));
  // Ends a freeze: the backlog goes through, or (a NAT that forgot them) the connections reset.
  const unfreeze = () =>
    proxies.forEach((proxy) => {
      if ((fault.detail ?? 0) & FREEZE_ENDS_IN_RESET) proxy.dropFrozen();
      proxy.thaw(); // new connections pass again either way
    });
  const instance = stack.instances[fault.instance ?? 0]!;
  switch (fault.kind) {
    case 'crash':
      await instance.kill();
      await lasting();
      return instance.start();
    case 'restart':
      await instance.stop();
      await lasting();
      return instance.start();
    case 'gone':
      // Started again only after the schedule's check (Stack.reviveGone), so every page that was
      // on it must have moved to another instance by then.
      stack.gone.add(fault.instance ?? 0);
      return instance.kill();
    case 'redis-cut': {
      const cut =
        fault.instance === undefined ? stack.redisProxies : [stack.redisProxies[fault.instance]!];
      const detail = fault.detail ?? 0;
      cut.forEach((proxy) => (detail & REDIS_DOWN ? proxy.cut() : proxy.freeze()));
      await lasting();
      return cut.forEach((proxy) => {
        if (detail & REDIS_DOWN) proxy.mend();
        else {
          if (detail & FREEZE_ENDS_IN_RESET) proxy.dropFrozen();
          proxy.thaw();
        }
      });
    }
    case 'redis-flush':
      return void (await stack.flushRedis());
    case 'drop':
      return proxies.forEach((proxy) => proxy.drop());
    case 'freeze':
      // The WebSocket alone: the page's fetches keep working, so nothing but the resume after
      // the reset brings what it missed (a full freeze may hold a fetch that the browser
      // retries on a fresh connection after the reset, which then shows everything anyway).
      proxies.forEach((proxy) =>
        (fault.detail ?? 0) & FREEZE_WEBSOCKET_ONLY ? proxy.freezeWebSockets() : proxy.freeze(),
      );
      await lasting();
      return unfreeze();
    case 'slow':
      proxies.forEach((proxy) => proxy.slow(fault.detail ?? 300));
      await lasting();
      return proxies.forEach((proxy) => proxy.slow(0));
    case 'offline':
      // DevTools' offline fails new requests but leaves an open WebSocket alone; a real network
      // going away silences it too, so its connections freeze as well.
      await Promise.all(pages.map((page) => page.setOffline(true)));
      proxies.forEach((proxy) => proxy.freeze());
      await lasting();
      unfreeze();
      return void (await Promise.all(pages.map((page) => page.setOffline(false))));
    case 'hidden':
      await Promise.all(pages.map((page) => page.setHidden(true)));
      await lasting();
      return void (await Promise.all(pages.map((page) => page.setHidden(false))));
    case 'sleep':
      await Promise.all(pages.map((page) => page.setFrozen(true)));
      await lasting();
      return void (await Promise.all(pages.map((page) => page.setFrozen(false))));
    case 'listen-kill':
      // In a cluster, the leader's: the one session holding the advisory lock and the LISTEN.
      await stack.db.query('select pg_terminate_backend(pid) from unnest($1::int[]) pid', [
        (await stack.listeners()).map((l) => l.pid),
      ]);
      return;
    case 'listen-freeze': {
      const ports = new Set((await stack.listeners()).map((l) => l.port));
      stack.dbProxy.freezeWhere((port) => port !== undefined && ports.has(port));
      await lasting();
      // Thawed, the backlog goes through and nothing is lost. Reset, what Postgres sent during
      // the freeze is gone with the connection: only the source's reconnect (a reset for every
      // client) can bring those changes to the views. A freeze that outlasts the source's probe
      // (~20 s) comes to the same; a reset gets there in the seconds a schedule lasts.
      if ((fault.detail ?? 0) & FREEZE_ENDS_IN_RESET) stack.dbProxy.dropFrozen();
      return stack.dbProxy.thaw();
    }
    case 'burst':
      return writer.burst(500);
    case 'reload': {
      // The handshake held, the app's first fetches complete long before its subscriptions are
      // live, and the writer keeps writing in between: the startup gap, seconds wide.
      const [page] = pages;
      page!.proxy.holdWebSockets();
      await page!.reload();
      await lasting();
      page!.proxy.releaseWebSockets();
      return page!.restore();
    }
    case 'switch': {
      const [page] = pages;
      await page!.show(await elsewhere(page!.view, stack, fault.detail ?? 0));
      await lasting();
      return void (await page!.show(page!.view)); // if this fails, the check reports the view
    }
  }
}

/**
 * Another view for a page on `view`: the all page filters on a container, the container page on
 * the other pinned one, the forum page opens another forum's detail (the `n`th, in id order).
 */
async function elsewhere(view: View, stack: Stack, n: number): Promise<View> {
  const [first, second] = stack.pinned.containers as [number, number];
  switch (view.kind) {
    case 'all':
      return { kind: 'container', containerId: first };
    case 'container':
      return { kind: 'container', containerId: view.containerId === first ? second : first };
    case 'forum': {
      const { rows } = await stack.db.query<{ id: number }>(
        'select id from forums where id <> $1 order by id',
        [view.forumId],
      );
      return rows.length ? { kind: 'forum', forumId: rows[n % rows.length]!.id } : view;
    }
  }
}
