import { isOutageError } from './is-outage-error';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isOutageError', () => {
  it('recognises unreachable servers, lost connections and shutdowns', () => {
    expect(
      isOutageError(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')),
    ).toBeTrue();
    expect(
      isOutageError(withCode('terminating connection due to administrator command', '57P01')),
    ).toBeTrue();
    expect(isOutageError(withCode('connection failure', '08006'))).toBeTrue();
    expect(isOutageError(new Error('Connection terminated unexpectedly'))).toBeTrue();
    expect(isOutageError(new Error('PGlite is closed'))).toBeTrue();
  });

  it('leaves query errors alone: they are bugs or bad input, not outages', () => {
    expect(
      isOutageError(withCode('insert or update violates foreign key constraint', '23503')),
    ).toBeFalse();
    expect(isOutageError(withCode('syntax error', '42601'))).toBeFalse();
    expect(isOutageError('a string')).toBeFalse();
  });
});
