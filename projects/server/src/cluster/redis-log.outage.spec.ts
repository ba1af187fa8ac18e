import { useSpecTimeout } from '../testing/helpers.js';
import { APPEND_LOST } from './append-queue.js';
import { LogErrorCode } from './log-error.js';
import {
  adminClient,
  openLog,
  Recorder,
  RedisProxy,
  uniquePrefix,
  useRedisCleanup,
  waitFor,
} from './redis-fixture.spec.js';
import type { RedisLogOptions } from './redis-log.js';
import type { SharedLog } from './shared-log.js';

/**
 * Redis faults, made with a TCP proxy of our own between one instance ("a") and the real Redis,
 * while another instance ("b") stays connected directly and watches the log.
 */
describe('redisLog when Redis is away (real Redis behind a proxy)', () => {
  useRedisCleanup();
  useSpecTimeout(20_000);

  async function setup(options: Partial<RedisLogOptions> = {}) {
    const prefix = uniquePrefix();
    const proxy = await RedisProxy.start();
    const a = openLog(prefix, { ...options, url: proxy.url });
    const b = openLog(prefix, options);
    const ra = new Recorder();
    const rb = new Recorder();
    const [start] = await Promise.all([a.log.tail(ra), b.log.tail(rb)]);
    return { prefix, proxy, a: a.log, aErrors: a.errors, b: b.log, ra, rb, start };
  }

  /** Takes the proxy down and waits until `log` noticed (an append racing the drop has an unknown outcome). */
  async function cutOff(proxy: RedisProxy, log: SharedLog): Promise<void> {
    await proxy.down();
    await waitFor(
      () => !log.stats().connected,
      'the log to notice',
      () => log.stats(),
    );
  }

  it('queues appends while Redis is away and appends them, in order, when it returns: no marker, no gap', async () => {
    const { proxy, a, aErrors, ra, rb } = await setup();
    await cutOff(proxy, a);
    expect(() => a.append(['q1', 'q2'])).not.toThrow();
    a.append(['q3']);
    expect(a.stats().pending).toBe(3);
    await proxy.up();
    await waitFor(
      () => rb.events.length === 3 && ra.events.length === 3,
      'q1..q3 on both',
      () => [ra.describe(), rb.describe()],
    );
    expect(rb.describe()).toEqual(['1 data q1', '2 data q2', '3 data q3']);
    expect(ra.describe()).toEqual(rb.describe());
    expect(a.stats()).toEqual(
      jasmine.objectContaining({ appended: 3, dropped: 0, pending: 0, gaps: 0 }),
    );
    expect(aErrors.map((e) => (e as { code?: string }).code)).toContain(LogErrorCode.Unavailable);
  });

  it('reports an outage once, not once more for every resume read that meets it', async () => {
    const { proxy, a, aErrors } = await setup();
    await cutOff(proxy, a);
    for (let i = 0; i < 5; i++)
      expect(await a.readRange('any', 0)).toEqual({ ok: false, reason: 'unavailable' });
    const messages = aErrors.map((e) => e.message);
    expect(messages.filter((m) => m.includes('for a resume'))).toEqual([]);
    expect(messages.filter((m) => m.includes('Redis append connection'))).toHaveSize(1);
  });

  it('keeps the queue bounded while Redis is away and covers what it dropped with one reset marker', async () => {
    const { proxy, a, aErrors, rb } = await setup({ maxPending: 5 });
    await cutOff(proxy, a);
    for (let i = 0; i < 10_000; i++) a.append([`x${i}`]);
    a.appendReset('listen');
    // Once a marker is due, nothing more is kept: it covers everything queued before it is appended.
    expect(a.stats()).toEqual(jasmine.objectContaining({ pending: 1, dropped: 10_000 }));
    expect(
      aErrors.filter((e) => (e as { code?: string }).code === LogErrorCode.AppendLost).length,
    ).toBe(1);
    await proxy.up();
    await waitFor(
      () => rb.events.length === 1,
      'the marker',
      () => rb.describe(),
    );
    a.append(['after']);
    await waitFor(
      () => rb.events.length === 2,
      'the next append',
      () => rb.describe(),
    );
    expect(rb.describe()).toEqual([`1 reset ${APPEND_LOST}`, '2 data after']);
  });

  it('bounds the queue in characters too', async () => {
    const { proxy, a, rb } = await setup({ maxPendingChars: 10_000 });
    await cutOff(proxy, a);
    const big = 'x'.repeat(4_000);
    a.append([big, big]);
    expect(a.stats()).toEqual(jasmine.objectContaining({ pending: 2, dropped: 0 }));
    a.append([big]);
    expect(a.stats()).toEqual(jasmine.objectContaining({ pending: 1, dropped: 3 }));
    await proxy.up();
    await waitFor(
      () => rb.events.length === 1,
      'the marker',
      () => rb.describe(),
    );
    expect(rb.describe()).toEqual([`1 reset ${APPEND_LOST}`]);
  });

  it('covers an append whose reply never came with a reset marker after it', async () => {
    const { proxy, a, rb } = await setup();
    proxy.stall();
    a.append(['ran']);
    // Redis ran it (b sees it); a never hears so, then loses the connection.
    await waitFor(
      () => rb.events.length === 1,
      'the append on b',
      () => rb.describe(),
    );
    expect(a.stats().appended).toBe(0);
    await proxy.down();
    // Queued while a marker is due: the marker covers it too.
    a.append(['covered']);
    await proxy.up();
    await waitFor(
      () => rb.events.length === 2,
      'the marker',
      () => rb.describe(),
    );
    a.append(['later']);
    await waitFor(
      () => rb.events.length === 3,
      'later',
      () => rb.describe(),
    );
    expect(rb.describe()).toEqual(['1 data ran', `2 reset ${APPEND_LOST}`, '3 data later']);
    await a.flush();
    expect(a.stats()).toEqual(jasmine.objectContaining({ appended: 1, dropped: 2, pending: 0 }));
  });

  it('lets a tail that was cut off catch up from where it was, in order and without a gap', async () => {
    const { proxy, b, ra } = await setup();
    await proxy.down();
    b.append(['m1', 'm2']);
    b.append(['m3']);
    await b.flush();
    await proxy.up();
    await waitFor(
      () => ra.events.length === 3,
      'm1..m3 on a',
      () => ra.describe(),
    );
    expect(ra.describe()).toEqual(['1 data m1', '2 data m2', '3 data m3']);
  });

  it('reports a trimmed gap to a tail that was away longer than the retention', async () => {
    const { proxy, b, ra, start } = await setup({ maxLen: 10 });
    await proxy.down();
    for (let i = 1; i <= 300; i++) {
      b.append([`m${i}`]);
      await b.flush();
    }
    await proxy.up();
    await waitFor(
      () => ra.gaps.length === 1,
      'a gap on a',
      () => ra.describe().slice(0, 3),
    );
    b.append(['m301']);
    await waitFor(
      () => ra.data.at(-1)?.body === 'm301',
      'm301 on a',
      () => ra.describe().slice(0, 3),
    );
    expect(ra.gaps[0]).toEqual(jasmine.objectContaining({ from: start, reason: 'trimmed' }));
    // Whatever it delivers after the gap continues right after it.
    const to = ra.gaps[0].to.seq;
    expect(ra.data.map((e) => e.seq)).toEqual(
      Array.from({ length: 301 - to }, (_, i) => to + 1 + i),
    );
  });

  it('reports an epoch gap when Redis lost the log while the instance was away (a restart without persistence)', async () => {
    const { prefix, proxy, a, ra, start } = await setup();
    a.append(['before']);
    await waitFor(
      () => ra.events.length === 1,
      'before',
      () => ra.describe(),
    );
    await proxy.down();
    await (await adminClient()).del([`{${prefix}}:meta`, `{${prefix}}:log`]);
    await proxy.up();
    await waitFor(
      () => ra.gaps.length === 1,
      'a gap',
      () => ra.describe(),
    );
    expect(ra.gaps[0].reason).toBe('epoch');
    expect(ra.gaps[0].to.epoch).not.toBe(start.epoch);
    a.append(['after']);
    await waitFor(
      () => ra.data.length === 2,
      'after',
      () => ra.describe(),
    );
    expect(ra.data[1].epoch).toBe(ra.gaps[0].to.epoch);
  });

  it('never throws while Redis was never there: readRange says unavailable, close() resolves', async () => {
    const proxy = await RedisProxy.start();
    await proxy.down();
    const { log, errors } = openLog(uniquePrefix(), { url: proxy.url, closeTimeout: 100 });
    expect(() => log.append(['x'])).not.toThrow();
    expect(() => log.appendReset('listen')).not.toThrow();
    expect(await log.readRange('any', 0)).toEqual({ ok: false, reason: 'unavailable' });
    await waitFor(
      () => errors.length > 0,
      'an error report',
      () => errors.map((e) => e.message),
    );
    expect((errors[0] as { code?: string }).code).toBe(LogErrorCode.Unavailable);
    await log.close();
    expect(log.stats().connected).toBe(false);
    expect(errors.map((e) => e.message)).toContain(
      jasmine.stringMatching(/closed with 2 record\(s\) not appended after 100 ms/),
    );
  });
});
