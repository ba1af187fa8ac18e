import { decodeClientFrame } from './decode-client-frame';
import { encodeFrame } from './encode-frame';
import valid from '../../golden/client-frames.json' with { type: 'json' };
import invalid from '../../golden/client-invalid.json' with { type: 'json' };

describe('decodeClientFrame', () => {
  for (const c of valid) {
    it(`accepts golden frame: ${c.name}`, () => {
      const result = decodeClientFrame(c.raw);
      if (!result.ok) fail(`expected ok, got ${JSON.stringify(result.error)}`);
      else expect(result.frame.type).withContext(c.name).toBe(c.kind as never);
    });
  }

  for (const c of invalid) {
    it(`rejects golden frame: ${c.name}`, () => {
      const result = decodeClientFrame(c.raw);
      expect(result.ok ? 'ok' : result.error.code).withContext(c.name).toBe(c.code);
    });
  }

  it('round-trips what encodeFrame produces', () => {
    const frame = { type: 'subscribe' as const, collections: ['forums'], ids: [1, 'a'] };
    const result = decodeClientFrame(encodeFrame(frame));
    expect(result.ok ? result.frame : undefined).toEqual(frame);
  });

  it('rejects binary frames and oversize text without throwing', () => {
    expect(decodeClientFrame(Buffer.from('{"type":"ping"}')).ok).toBeFalse();
    const big = JSON.stringify({ type: 'subscribe', collections: ['x'.repeat(70_000)] });
    const result = decodeClientFrame(big);
    expect(result.ok ? 'ok' : result.error.code).toBe('too_large');
  });

  it('survives a prototype-pollution attempt', () => {
    const result = decodeClientFrame('{"type":"ping","__proto__":{"polluted":true}}');
    expect(result.ok).toBeTrue();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
