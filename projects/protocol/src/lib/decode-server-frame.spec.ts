import { decodeServerFrame } from './decode-server-frame';
import { isNotification } from './frames';
import valid from '../../golden/server-frames.json' with { type: 'json' };
import invalid from '../../golden/server-invalid.json' with { type: 'json' };

describe('decodeServerFrame', () => {
  for (const c of valid) {
    it(`accepts golden frame: ${c.name}`, () => {
      const result = decodeServerFrame(c.raw);
      if (!result.ok) fail(`expected ok, got ${JSON.stringify(result.error)}`);
      else {
        const kind = isNotification(result.frame) ? 'notification' : result.frame.type;
        expect(kind).withContext(c.name).toBe(c.kind);
        expect(result.frame).toEqual(JSON.parse(c.raw));
      }
    });
  }

  for (const c of invalid) {
    it(`rejects golden frame: ${c.name}`, () => {
      const result = decodeServerFrame(c.raw);
      expect(result.ok).withContext(c.name).toBeFalse();
      if (!result.ok) {
        expect(result.error.code).withContext(c.name).toBe(c.code as never);
        expect(result.error.message.length).toBeGreaterThan(0);
      }
    });
  }

  it('rejects binary data and non-strings without throwing', () => {
    for (const raw of [new ArrayBuffer(4), new Uint8Array([123, 125]), undefined, null, 42, {}]) {
      const result = decodeServerFrame(raw);
      expect(result.ok ? 'ok' : result.error.code).toBe('not_text');
    }
  });

  it('rejects pathologically deep nesting without throwing', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const result = decodeServerFrame(deep);
    expect(result.ok).toBeFalse();
  });

  it('accepts deep nesting inside data: data is passed through untouched', () => {
    const raw = `{"collection":"forums","data":${'['.repeat(500)}${']'.repeat(500)}}`;
    expect(decodeServerFrame(raw).ok).toBeTrue();
  });

  it('enforces maxLength', () => {
    const raw = JSON.stringify({ collection: 'forums', data: 'x'.repeat(100) });
    const result = decodeServerFrame(raw, { maxLength: 50 });
    expect(result.ok ? 'ok' : result.error.code).toBe('too_large');
    expect(decodeServerFrame(raw, { maxLength: 500 }).ok).toBeTrue();
  });

  it('names the offending field', () => {
    const result = decodeServerFrame('{"collection":"forums","seq":"7"}');
    expect(result.ok ? undefined : result.error.field).toBe('seq');
  });
});
