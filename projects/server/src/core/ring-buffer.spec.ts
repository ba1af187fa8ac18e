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
});
