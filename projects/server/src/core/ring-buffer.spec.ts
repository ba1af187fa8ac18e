import { RingBuffer } from './ring-buffer.js';

describe(RingBuffer.name, () => {
  const fill = (capacity: number, n: number) => {
    const r = new RingBuffer<{ seq: number }>(capacity);
    for (let seq = 1; seq <= n; seq++) r.push({ seq });
    return r;
  };

  it('keeps the newest entries up to its capacity, oldest first', () => {
    const r = fill(3, 5);
    expect(r.size).toBe(3);
    expect(r.first()).toEqual({ seq: 3 });
    expect([...r.after(0)].map((e) => e.seq)).toEqual([3, 4, 5]);
  });

  it('iterates entries after a seq', () => {
    const r = fill(10, 7);
    expect([...r.after(4)].map((e) => e.seq)).toEqual([5, 6, 7]);
    expect([...r.after(7)]).toEqual([]);
  });

  it('drops the oldest with shift', () => {
    const r = fill(4, 6);
    expect(r.shift()).toEqual({ seq: 3 });
    expect(r.size).toBe(3);
    r.push({ seq: 7 });
    expect([...r.after(0)].map((e) => e.seq)).toEqual([4, 5, 6, 7]);
    expect(new RingBuffer(2).first()).toBeUndefined();
  });

  it('puts older entries in front with prepend, as many as fit, the newest of them', () => {
    const r = new RingBuffer<{ seq: number }>(5);
    r.push({ seq: 4 });
    r.push({ seq: 5 });
    r.prepend([1, 2, 3].map((seq) => ({ seq })));
    expect([...r.after(0)].map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    const full = fill(4, 2);
    full.push({ seq: 3 });
    full.shift();
    full.prepend([-2, -1, 0, 1].map((seq) => ({ seq })));
    expect([...full.after(-10)].map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    full.push({ seq: 4 });
    expect([...full.after(-10)].map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });
});
