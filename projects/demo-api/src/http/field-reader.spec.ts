import { ApiError } from './api-error';
import { FieldReader } from './field-reader';

function thrownBy(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError, nothing was thrown');
}

describe(FieldReader.name, () => {
  it('refuses fields that are not allowed, naming the first one', () => {
    const error = thrownBy(() => new FieldReader({ name: 'x', nmae: 'y' }, ['name']));
    expect(error.field).toBe('nmae');
    expect(error.message).toContain('allowed: name');
  });

  it('trims names and bounds them to 1–100 characters', () => {
    expect(new FieldReader({ name: '  a  ' }, ['name']).name('name')).toBe('a');
    expect(thrownBy(() => new FieldReader({ name: ' ' }, ['name']).name('name')).message).toBe(
      'name: must not be empty',
    );
    expect(thrownBy(() => new FieldReader({}, ['name']).name('name')).message).toBe(
      'name: is required',
    );
    expect(
      thrownBy(() => new FieldReader({ name: 'x'.repeat(101) }, ['name']).name('name')).field,
    ).toBe('name');
  });

  it('refuses names Postgres cannot store as sent: NUL and unpaired surrogates', () => {
    const nul = thrownBy(() => new FieldReader({ name: 'a\u0000b' }, ['name']).name('name'));
    expect(nul.status).toBe(400);
    expect(nul.message).toBe('name: must not contain NUL (\\u0000)');
    for (const name of ['a\ud800', '\udc00b', '\ude00\ud83d']) {
      expect(thrownBy(() => new FieldReader({ name }, ['name']).name('name')).message)
        .withContext(JSON.stringify(name))
        .toContain('unpaired surrogate');
    }
    expect(new FieldReader({ name: 'caf\u00e9 \ud83d\ude00' }, ['name']).name('name')).toBe(
      'caf\u00e9 \ud83d\ude00',
    );
  });

  it('reads ids from JSON numbers only: a digit string is the wrong type', () => {
    expect(new FieldReader({ containerId: 4 }, ['containerId']).id('containerId')).toBe(4);
    for (const containerId of ['4', null, true, [4], { id: 4 }]) {
      const error = thrownBy(() =>
        new FieldReader({ containerId }, ['containerId']).id('containerId'),
      );
      expect(error.field).withContext(JSON.stringify(containerId)).toBe('containerId');
      expect(error.message).toContain('must be a number');
    }
  });

  it('reads own fields only, never members of Object.prototype', () => {
    const reader = new FieldReader({}, ['constructor', 'toString']);
    expect(reader.has('constructor')).toBeFalse();
    expect(thrownBy(() => reader.name('toString')).message).toBe('toString: is required');
  });

  it('reads bounded integers with a default', () => {
    const reader = new FieldReader({ count: 3 }, ['count', 'other']);
    expect(reader.integer('count', 1, 10, 5)).toBe(3);
    expect(reader.integer('other', 1, 10, 5)).toBe(5);
    expect(
      thrownBy(() => new FieldReader({ count: 11 }, ['count']).integer('count', 1, 10, 5)).message,
    ).toBe('count: must be an integer from 1 to 10');
  });

  it('requires at least one of several optional fields', () => {
    expect(thrownBy(() => new FieldReader({}, ['a', 'b']).requireOneOf('a', 'b')).message).toBe(
      'a: at least one of a, b is required',
    );
    expect(() => new FieldReader({ b: 1 }, ['a', 'b']).requireOneOf('a', 'b')).not.toThrow();
  });
});
