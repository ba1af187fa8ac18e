import { ApiError } from './api-error';
import { parseId } from './parse-id';

describe('parseId', () => {
  it('accepts positive integers as numbers or digit strings', () => {
    expect(parseId(7, 'id')).toBe(7);
    expect(parseId('42', 'id')).toBe(42);
    expect(parseId(2_147_483_647, 'id')).toBe(2_147_483_647);
  });

  it('refuses anything else with a 400 naming the field', () => {
    for (const value of [
      0,
      -1,
      1.5,
      '1.5',
      '',
      'abc',
      '0x10',
      2_147_483_648,
      '99999999999',
      null,
      undefined,
      true,
      [1],
    ]) {
      let thrown: unknown;
      try {
        parseId(value, 'containerId');
      } catch (error) {
        thrown = error;
      }
      expect(thrown)
        .withContext(JSON.stringify(value) ?? 'undefined')
        .toEqual(jasmine.any(ApiError));
      expect((thrown as ApiError).status).toBe(400);
      expect((thrown as ApiError).field).toBe('containerId');
    }
  });
});
