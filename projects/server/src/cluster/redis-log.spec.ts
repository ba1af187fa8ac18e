import { useSpecTimeout } from '../testing/helpers.js';
import { LogErrorCode } from './log-error.js';
import { lua, runScript } from './log-scripts.js';
import { redisLog } from './redis-log.js';
import {
  adminClient,
  openLog,
  Recorder,
  REDIS_URL,
  uniquePrefix,
  useRedisCleanup,
  waitFor,
} from './redis-fixture.spec.js';

/** Against the real Redis at 127.0.0.1:6379 (see redis-fixture.spec.ts); two logs are two instances. */
describe('redisLog (real Redis)', () => {
  useRedisCleanup();
  // Each spec opens two instances (four connections) and waits on Redis: on a loaded 2-core
  // machine that alone can pass Jasmine's 5 s default.
  useSpecTimeout(20_000);

  async function twoInstances(options = {}) {
    const prefix = uniquePrefix();
    const a = openLog(prefix, options);
    const b = openLog(prefix, options);
    const ra = new Recorder();
    const rb = new Recorder();
    const [pa, pb] = await Promise.all([a.log.tail(ra), b.log.tail(rb)]);
    return { prefix, a: a.log, b: b.log, ra, rb, pa, pb, errors: [...a.errors, ...b.errors] };
  }

  it('refuses bad options with a TypeError that states the rule', () => {
    const bad = (o: object) => () => redisLog({ url: REDIS_URL, ...o });
    expect(() => redisLog({} as never)).toThrowMatching(
      (e) =>
        e instanceof TypeError &&
        (e as { code?: string }).code === 'ERR_CHANGEFEED_INVALID_OPTION' &&
        /url must be a redis:\/\/ or rediss:\/\/ URL/.test(e.message),
    );
    expect(bad({ prefix: 'a{b}' })).toThrowError(
      TypeError,
      /prefix must be 1 to 100 characters without braces or spaces/,
    );
    expect(bad({ maxLen: 0 })).toThrowError(TypeError, /maxLen must be an integer > 0/);
    expect(bad({ maxPending: 1.5 })).toThrowError(TypeError, /maxPending must be an integer > 0/);
    expect(bad({ maxPendingChars: 0 })).toThrowError(
      TypeError,
      /maxPendingChars must be an integer > 0/,
    );
    expect(bad({ blockMs: -1 })).toThrowError(TypeError, /blockMs must be an integer > 0/);
    expect(bad({ closeTimeout: '5' })).toThrowError(
      TypeError,
      /closeTimeout must be an integer > 0/,
    );
  });

  it('starts both instances at the same head of one epoch', async () => {
    const { pa, pb } = await twoInstances();
    expect(pa).toEqual(pb);
    expect(pa.seq).toBe(0);
    expect(pa.epoch).toMatch(/^\d+-/);
  });

  it('delivers what one instance appends to both, in order, numbered consecutively', async () => {
    const { a, ra, rb, pa } = await twoInstances();
    a.append(['n1', 'n2']);
    a.append(['n3']);
    await waitFor(
      () => rb.data.length === 3 && ra.data.length === 3,
      'three entries on both',
      () => [ra.describe(), rb.describe()],
    );
    expect(rb.describe()).toEqual(['1 data n1', '2 data n2', '3 data n3']);
    expect(ra.describe()).toEqual(rb.describe());
    expect(rb.data.every((e) => e.epoch === pa.epoch)).toBe(true);
  });

  it('numbers concurrent appenders in one seq space, each appender in its own order', async () => {
    const { a, b, rb } = await twoInstances();
    const turns = 50;
    for (let t = 0; t < turns; t++) {
      a.append([`a${t}.0`, `a${t}.1`]);
      b.append([`b${t}`]);
      // A new task, as the hub calls append() once per task that notified.
      await new Promise((r) => setImmediate(r));
    }
    await waitFor(
      () => rb.data.length === turns * 3,
      `${turns * 3} entries`,
      () => rb.describe().slice(-5),
    );
    expect(rb.data.map((e) => e.seq)).toEqual(Array.from({ length: turns * 3 }, (_, i) => i + 1));
    const bodies = rb.data.map((e) => e.body);
    expect(bodies.filter((x) => x.startsWith('a'))).toEqual(
      Array.from({ length: turns }, (_, t) => [`a${t}.0`, `a${t}.1`]).flat(),
    );
    expect(bodies.filter((x) => x.startsWith('b'))).toEqual(
      Array.from({ length: turns }, (_, t) => `b${t}`),
    );
    expect(rb.gaps).toEqual([]);
  });

  it('replays (after, head] on any instance, and says why not otherwise', async () => {
    const { a, b, rb, pa } = await twoInstances();
    a.append(['n1', 'n2', 'n3']);
    await waitFor(
      () => rb.data.length === 3,
      'three entries',
      () => rb.describe(),
    );
    const range = await b.readRange(pa.epoch, 1);
    expect(range).toEqual({ ok: true, head: 3, entries: rb.data.slice(1) });
    expect(await b.readRange(pa.epoch, 0, 2)).toEqual({
      ok: true,
      head: 3,
      entries: rb.data.slice(0, 2),
    });
    expect(await b.readRange(pa.epoch, 2, 5)).toEqual({
      ok: true,
      head: 3,
      entries: rb.data.slice(2),
    });
    expect(await b.readRange(pa.epoch, 3)).toEqual({ ok: true, head: 3, entries: [] });
    expect(await b.readRange(pa.epoch, 4)).toEqual({ ok: false, reason: 'ahead' });
    expect(await b.readRange(`${pa.epoch}x`, 1)).toEqual({ ok: false, reason: 'epoch' });
    expect(await b.readRange(pa.epoch, -1)).toEqual({ ok: false, reason: 'ahead' });
  });

  it('answers "reset" for a range that holds a reset marker, and delivers the marker', async () => {
    const { a, b, rb, pa } = await twoInstances();
    a.append(['n1']);
    b.appendReset('handover');
    a.append(['n3']);
    await waitFor(
      () => rb.events.length === 3,
      'three entries',
      () => rb.describe(),
    );
    expect(rb.describe()).toEqual(['1 data n1', '2 reset handover', '3 data n3']);
    expect(await a.readRange(pa.epoch, 1)).toEqual({ ok: false, reason: 'reset' });
    expect(await a.readRange(pa.epoch, 2)).toEqual({ ok: true, head: 3, entries: [rb.data[1]] });
  });

  it('answers "trimmed" once the range left the stream’s retention', async () => {
    const { prefix, a, b, rb, pa } = await twoInstances({ maxLen: 10 });
    for (let i = 0; i < 300; i++) a.append([`n${i}`]);
    // The tail itself may fall behind the trimming (then it reports a gap): wait for the last one.
    await waitFor(
      () => rb.data.at(-1)?.body === 'n299',
      'n299',
      () => rb.describe().slice(-3),
    );
    const kept = await (await adminClient()).xLen(`{${prefix}}:log`);
    expect(kept).toBeGreaterThanOrEqual(10);
    expect(kept).toBeLessThan(300);
    expect(await b.readRange(pa.epoch, 0)).toEqual({ ok: false, reason: 'trimmed' });
    const recent = await b.readRange(pa.epoch, 295);
    expect(recent.ok && recent.entries.map((e) => e.body)).toEqual([
      'n295',
      'n296',
      'n297',
      'n298',
      'n299',
    ]);
  });

  it('opens a new epoch when the keys are deleted, and every tail reports it as a gap', async () => {
    const { prefix, a, b, ra, rb, pa } = await twoInstances();
    a.append(['n1']);
    await waitFor(
      () => rb.data.length === 1,
      'n1',
      () => rb.describe(),
    );
    await (await adminClient()).del([`{${prefix}}:meta`, `{${prefix}}:log`]);
    b.append(['n2']);
    await waitFor(
      () => rb.data.length === 2 && ra.data.length === 2,
      'n2 on both',
      () => [ra.describe(), rb.describe()],
    );
    const [gap] = rb.gaps;
    expect(rb.describe()).toEqual(['1 data n1', 'gap epoch → 0', '1 data n2']);
    expect(gap.from).toEqual({ epoch: pa.epoch, seq: 1 });
    expect(gap.to.epoch).not.toBe(pa.epoch);
    expect(rb.data[1].epoch).toBe(gap.to.epoch);
    expect(ra.gaps).toEqual(rb.gaps);
    expect(await a.readRange(pa.epoch, 1)).toEqual({ ok: false, reason: 'epoch' });
  });

  it('notices an idle log’s loss within blockMs, without waiting for an append', async () => {
    const { prefix, ra, rb, pa } = await twoInstances({ blockMs: 100 });
    await (await adminClient()).del([`{${prefix}}:meta`, `{${prefix}}:log`]);
    await waitFor(
      () => ra.gaps.length === 1 && rb.gaps.length === 1,
      'a gap on both',
      () => [ra.describe(), rb.describe()],
    );
    expect(rb.gaps[0].reason).toBe('epoch');
    expect(rb.gaps[0].to.epoch).not.toBe(pa.epoch);
    // Whichever tail opened the new epoch, both moved to the same one.
    expect(ra.gaps[0].to).toEqual(rb.gaps[0].to);
  });

  it('reports a seq jump (entries gone before this reader read them) as a trimmed gap', async () => {
    const { prefix, a, rb, pa } = await twoInstances();
    a.append(['n1']);
    await waitFor(
      () => rb.data.length === 1,
      'n1',
      () => rb.describe(),
    );
    // As if seqs 2 and 3 were appended and trimmed away before this reader got to them.
    await (await adminClient()).hSet(`{${prefix}}:meta`, 'seq', '3');
    a.append(['n4']);
    await waitFor(
      () => rb.data.length === 2,
      'n4',
      () => rb.describe(),
    );
    expect(rb.describe()).toEqual(['1 data n1', 'gap trimmed → 3', '4 data n4']);
    expect(rb.gaps[0]).toEqual({
      from: { epoch: pa.epoch, seq: 1 },
      to: { epoch: pa.epoch, seq: 3 },
      reason: 'trimmed',
    });
  });

  it('finds, when idle, entries the head promises but the stream lost', async () => {
    const { prefix, a, rb, pa } = await twoInstances({ blockMs: 100 });
    // As if five entries were appended and the stream key deleted before this reader read them.
    await (await adminClient()).hSet(`{${prefix}}:meta`, 'seq', '5');
    await waitFor(
      () => rb.gaps.length === 1,
      'a gap',
      () => rb.describe(),
    );
    expect(rb.gaps[0]).toEqual({
      from: { epoch: pa.epoch, seq: 0 },
      to: { epoch: pa.epoch, seq: 5 },
      reason: 'trimmed',
    });
    a.append(['n6']);
    await waitFor(
      () => rb.data.length === 1,
      'n6',
      () => rb.describe(),
    );
    expect(rb.describe()).toEqual(['gap trimmed → 5', '6 data n6']);
  });

  it('skips and reports an entry it did not write; the seq it took is a gap', async () => {
    const prefix = uniquePrefix();
    const a = openLog(prefix);
    const rb = new Recorder();
    const start = await a.log.tail(rb);
    const admin = await adminClient();
    const ems = await admin.hGet(`{${prefix}}:meta`, 'ems');
    await admin.sendCommand(['XADD', `{${prefix}}:log`, `${ems}-1`, 'x', 'y']);
    await admin.hSet(`{${prefix}}:meta`, 'seq', '1');
    a.log.append(['n2']);
    await waitFor(
      () => rb.data.length === 1,
      'n2',
      () => rb.describe(),
    );
    expect(rb.describe()).toEqual(['gap trimmed → 1', '2 data n2']);
    expect(rb.gaps[0].from).toEqual(start);
    expect(a.errors.map((e) => (e as { code?: string }).code)).toEqual([LogErrorCode.BadEntry]);
    expect(await a.log.readRange(start.epoch, 0)).toEqual({ ok: false, reason: 'trimmed' });
  });

  it('reports a throwing tail handler and keeps delivering, in order', async () => {
    const prefix = uniquePrefix();
    const a = openLog(prefix);
    const seen: number[] = [];
    await a.log.tail({
      entries(batch) {
        seen.push(...batch.map((e) => e.seq));
        if (seen.length === 1) throw new Error('hub bug');
      },
      gap() {},
    });
    a.log.append(['n1']);
    await waitFor(
      () => seen.length === 1,
      'n1',
      () => seen,
    );
    a.log.append(['n2']);
    await waitFor(
      () => seen.length === 2,
      'n2',
      () => seen,
    );
    expect(seen).toEqual([1, 2]);
    expect(a.errors.map((e) => (e as { code?: string }).code)).toEqual([LogErrorCode.Handler]);
    expect(a.errors[0].message).toContain('the tail handler threw: hub bug');
  });

  it('does not report a range read that close() cut short: it answers unavailable, quietly', async () => {
    const prefix = uniquePrefix();
    const { log, errors } = openLog(prefix);
    const { epoch } = await log.tail(new Recorder());
    log.append(['n1', 'n2']);
    await log.flush();
    const reads = Array.from({ length: 20 }, () => log.readRange(epoch, 0));
    await log.close();
    const answers = await Promise.all(reads);
    expect(answers.filter((r) => !r.ok)).toContain({ ok: false, reason: 'unavailable' });
    expect(errors).toEqual([]);
  });

  it('waits out a stall of its own event loop with an append in flight: no lost append, no marker', async () => {
    const prefix = uniquePrefix();
    const { log, errors } = openLog(prefix);
    const watcher = openLog(prefix).log;
    const seen = new Recorder();
    await Promise.all([log.tail(new Recorder()), watcher.tail(seen)]);
    // As the hub appends: from a setImmediate (its per-turn flush). node-redis writes the command
    // from a setImmediate of its own, so in the next turn, after the timers; if this turn then
    // hangs (a fan-out to thousands of sockets, a GC pause) longer than node-redis' command
    // timeout (5 s), the timeout fires first and rejects a command that was never written.
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        log.append(['before the stall']);
        for (const until = Date.now() + 5_500; Date.now() < until;);
        resolve();
      }),
    );
    await log.flush();
    log.append(['after']);
    await waitFor(
      () => seen.data.length === 2,
      'both',
      () => seen.describe(),
    );
    expect(seen.describe()).toEqual(['1 data before the stall', '2 data after']);
    expect(errors).toEqual([]);
  });

  it('sends the next read before the handler’s fan-out of the batch it just got runs', async () => {
    const prefix = uniquePrefix();
    // MONITOR stamps each command with the time Redis received it, whatever this process was doing.
    const monitor = await adminClient();
    const xreads: { at: number; cursor: string }[] = [];
    await monitor.monitor((line: string) => {
      const m = /^(\d+\.\d+) .*"XREAD".*"\{(.+)\}:log" "([^"]+)"$/.exec(line);
      if (m && m[2] === prefix) xreads.push({ at: Number(m[1]) * 1000, cursor: m[3] });
    });
    const { log } = openLog(prefix, { blockMs: 5_000 });
    let fanOut: { from: number; to: number } | undefined;
    await log.tail({
      // As the hub does: entries() queues, the fan-out runs in a setImmediate (here a slow one).
      entries: () =>
        setImmediate(() => {
          const from = Date.now();
          while (Date.now() - from < 300);
          fanOut = { from, to: Date.now() };
        }),
      gap: () => {},
    });
    const { log: appender } = openLog(prefix);
    appender.append(['{"collection":"items"}']);
    await waitFor(() => fanOut !== undefined, 'the fan-out');
    await waitFor(
      () => xreads.some((x) => x.cursor.endsWith('-1')),
      'the read after seq 1',
      () => xreads,
    );
    const next = xreads.find((x) => x.cursor.endsWith('-1'))!;
    // Received by Redis before the 300 ms fan-out ended (it was sent before it began).
    expect(next.at).toBeLessThan(fanOut!.to - 150);
  });

  it('tails once per log object', async () => {
    const { log } = openLog(uniquePrefix());
    await log.tail(new Recorder());
    await expectAsync(log.tail(new Recorder())).toBeRejectedWithError(
      /tail\(\) may be called once per log/,
    );
  });

  it('runs a script Redis does not know through EVAL (NOSCRIPT fallback)', async () => {
    const admin = await adminClient();
    // A source no one loaded: EVALSHA answers NOSCRIPT, without flushing the shared Redis' scripts.
    const script = lua(`return ARGV[1] .. '${uniquePrefix()}'`);
    expect(await runScript<string>(admin, script, [], ['ok:'])).toMatch(/^ok:cf_test_/);
  });
});
