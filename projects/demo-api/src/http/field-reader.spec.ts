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
