import { useSpecTimeout } from '../testing/helpers.js';
import type { Notification } from '@changefeed/protocol';
import pg from 'pg';
import type { SourceSink } from '../sources/source.js';
import { connectAdmin, RUN, TEST_DATABASE_URL } from '../testing/postgres.js';
import { leaderSource, type LeaderSource } from './leader-source.js';
import {
  onCleanup,
  openLog,
  Recorder,
  uniquePrefix,
  useRedisCleanup,
  waitFor,
} from './redis-fixture.spec.js';
import type { SharedLog } from './shared-log.js';

const URL = TEST_DATABASE_URL;
const CHANNEL = `cf_bridge_${RUN}`;

/**
 * Two instances, each with a leaderSource feeding its own redisLog on one shared log, against the
 * real Postgres and Redis: a NOTIFY lands in the log once, and a terminated leader is replaced by
 * the standby, whose reset marker covers the handover.
 */
describe('leaderSource (real Postgres and Redis)', () => {
  useRedisCleanup();
  let admin: pg.Client;

  useSpecTimeout(20_000);
  beforeAll(async () => {
    admin = await connectAdmin();
  });

  afterAll(async () => {
    await admin.end().catch(() => {});
  });

  /** What the hub's sink will do in cluster mode: notifications and resets go into the log. */
  function logSink(log: SharedLog, errors: Error[]): SourceSink {
    return {
      notify: (n: Notification) => log.append([JSON.stringify(n)]),
      reset: () => log.appendReset('listen'),
      error: (e) => errors.push(e),
    };
  }

  // Each instance's connection is found by its application_name: unique per instance, so a spec
  // never terminates a backend an earlier spec's instance has not finished closing.
  let instances = 0;
  async function instance(
    name: string,
    prefix: string,
  ): Promise<{ source: LeaderSource; app: string }> {
    const app = `cf_${name}_${RUN}_${++instances}`;
    const { log } = openLog(prefix);
    const source = leaderSource({
      client: { connectionString: URL, application_name: app },
      channel: CHANNEL,
      interval: 50,
    });
    onCleanup(() => source.stop());
    await source.start(logSink(log, []));
    return { source, app };
  }

  async function backendPids(app: string): Promise<number[]> {
    const { rows } = await admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [app],
    );
    return rows.map((r) => r.pid);
  }

  async function backendPid(app: string): Promise<number> {
    const [pid] = await backendPids(app);
    if (pid === undefined) throw new Error(`no backend for ${app}`);
    return pid;
  }

  /** Waits until `app` has a session again (after its backend was terminated). */
  async function reconnected(app: string): Promise<void> {
    for (const until = Date.now() + 10_000; (await backendPids(app)).length === 0;) {
      if (Date.now() > until) throw new Error(`${app} did not reconnect`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('appends each NOTIFY once, and a reset marker when the standby takes over from a terminated leader', async () => {
    const prefix = uniquePrefix();
    const { log: watcher } = openLog(prefix);
    const seen = new Recorder();
    await watcher.tail(seen);
    const a = await instance('a', prefix);
    const b = await instance('b', prefix);
    await waitFor(
      () => a.source.isLeader() !== b.source.isLeader(),
      'exactly one leader',
      () => [a.source.isLeader(), b.source.isLeader()],
    );
    const [leader, standby] = a.source.isLeader() ? [a, b] : [b, a];
    await waitFor(
      () => seen.events.length === 1,
      'the first leader’s marker',
      () => seen.describe(),
    );

    await admin.query(`SELECT pg_notify($1, '{"collection":"items","op":"insert","id":1}')`, [
      CHANNEL,
    ]);
    await waitFor(
      () => seen.events.length === 2,
      'the first insert',
      () => seen.describe(),
    );

    await admin.query('SELECT pg_terminate_backend($1)', [await backendPid(leader.app)]);
    await waitFor(
      () => standby.source.isLeader(),
      'the standby to take over',
      () => [leader.source.isLeader(), standby.source.isLeader()],
    );
    await waitFor(
      () => seen.events.length === 3,
      'the handover marker',
      () => seen.describe(),
    );
    await admin.query(`SELECT pg_notify($1, '{"collection":"items","op":"insert","id":2}')`, [
      CHANNEL,
    ]);
    await waitFor(
      () => seen.events.length === 4,
      'the second insert',
      () => seen.describe(),
    );
    // The old leader reconnects as a standby: nothing doubles.
    await reconnected(leader.app);
    expect(leader.source.isLeader()).toBe(false);
    await admin.query(`SELECT pg_notify($1, '{"collection":"items","op":"insert","id":3}')`, [
      CHANNEL,
    ]);
    await waitFor(
      () => seen.events.length === 5,
      'the third insert',
      () => seen.describe(),
    );
    expect(seen.describe()).toEqual([
      '1 reset listen',
      '2 data {"collection":"items","op":"insert","id":1}',
      '3 reset listen',
      '4 data {"collection":"items","op":"insert","id":2}',
      '5 data {"collection":"items","op":"insert","id":3}',
    ]);
  });

  it('refuses bad options with a TypeError that states the rule', () => {
    expect(() => leaderSource({ channel: 'a-b' })).toThrowError(
      TypeError,
      /channel must be an identifier/,
    );
    expect(() => leaderSource({ interval: 0 })).toThrowError(
      TypeError,
      /interval must be an integer > 0 \(ms\)/,
    );
    expect(() => leaderSource({ connectionString: URL, client: {} })).toThrowError(
      TypeError,
      /at most one of connectionString and client/,
    );
  });
});
