import { checkServerFrame } from './check-server-frame';
import { checkClientFrame } from './check-client-frame';
import { decodeServerFrame } from './decode-server-frame';
import { isSeq } from './field-rule';
import serverValid from '../../golden/server-frames.json' with { type: 'json' };
import serverInvalid from '../../golden/server-invalid.json' with { type: 'json' };
import clientValid from '../../golden/client-frames.json' with { type: 'json' };
import clientInvalid from '../../golden/client-invalid.json' with { type: 'json' };

describe('checkServerFrame', () => {
  it('gives every golden frame the verdict its case records', () => {
    for (const c of serverValid) expect(checkServerFrame(c.raw).ok).withContext(c.name).toBeTrue();
    for (const c of serverInvalid) {
      const result = checkServerFrame(c.raw);
      expect(result.ok ? 'ok' : result.violation.code)
        .withContext(c.name)
        .toBe(c.code);
    }
  });

  it('names the field and the rule it broke, without a sentence', () => {
    const result = checkServerFrame(
      '{"type":"welcome","protocol":1,"epoch":"e","seq":-1,"heartbeat":0}',
    );
    expect(result).toEqual({
      ok: false,
      violation: { code: 'bad_field', field: 'seq', rule: isSeq },
    });
  });

  it('treats inherited names as unknown types, not as schemas', () => {
    for (const type of ['__proto__', 'toString', 'constructor', 'hasOwnProperty']) {
      const result = checkServerFrame(JSON.stringify({ type }));
      expect(result.ok ? 'ok' : result.violation.code)
        .withContext(type)
        .toBe('unknown_type');
    }
  });

  it('rejects null in an optional field: absent is not the same as null', () => {
    for (const field of ['op', 'id', 'seq']) {
      const result = checkServerFrame(JSON.stringify({ collection: 'forums', [field]: null }));
      expect(result.ok ? 'ok' : result.violation.field)
        .withContext(field)
        .toBe(field);
    }
  });

  it('reports the length of a frame over maxLength', () => {
    expect(checkServerFrame('{"collection":"forums"}', 10)).toEqual({
      ok: false,
      violation: { code: 'too_large', field: undefined, detail: 23 },
    });
  });

  it('agrees with decodeServerFrame on every golden frame', () => {
    for (const c of [...serverValid, ...serverInvalid]) {
      const decoded = decodeServerFrame(c.raw);
      const checked = checkServerFrame(c.raw);
      expect(checked.ok ? 'ok' : checked.violation.code)
        .withContext(c.name)
        .toBe(decoded.ok ? 'ok' : decoded.error.code);
    }
  });
});

describe('checkClientFrame', () => {
  it('gives every golden frame the verdict its case records', () => {
    for (const c of clientValid) expect(checkClientFrame(c.raw).ok).withContext(c.name).toBeTrue();
    for (const c of clientInvalid) {
      const result = checkClientFrame(c.raw);
      expect(result.ok ? 'ok' : result.violation.code)
        .withContext(c.name)
        .toBe(c.code);
    }
  });
});
