import { ChangefeedError, ErrorCode } from '../errors.js';

type Pg = (typeof import('pg'))['default'];

/**
 * Imports the optional peer `pg`. A missing package is not transient: it becomes a
 * {@link ErrorCode.MissingPeer} error the source rejects `start()` with, instead of a retry loop.
 */
export async function loadPg(): Promise<Pg> {
  try {
    return (await import('pg')).default;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new ChangefeedError(ErrorCode.MissingPeer, 'postgresSource() needs the "pg" package: npm install pg', { cause: e });
    }
    throw e;
  }
}
