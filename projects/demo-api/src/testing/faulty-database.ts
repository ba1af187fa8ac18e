import type { Database, Queryable } from '../db/database';
import { DatabaseUnavailableError } from '../db/database-unavailable-error';

/** A database wrapper whose statements fail like an outage while `down`, or when `failWhen` matches. */
export interface FaultyDatabase extends Database {
  /** Every statement fails with DatabaseUnavailableError while true. */
  down: boolean;
  /** Statements whose SQL this returns true for fail (e.g. the last step of a transaction). */
  failWhen: ((sql: string) => boolean) | null;
  /** Statements whose SQL this returns true for run, then fail (the connection "dies" after them). */
  failAfter: ((sql: string) => boolean) | null;
}

export function faultyDatabase(inner: Database): FaultyDatabase {
  const check = (sql: string) => {
    if (faulty.down || faulty.failWhen?.(sql))
      throw new DatabaseUnavailableError(new Error('injected outage'));
  };
  const guard = (target: Queryable): Queryable => ({
    async query<Row>(sql: string, params?: readonly unknown[]) {
      check(sql);
      const rows = await target.query<Row>(sql, params);
      if (faulty.failAfter?.(sql))
        throw new DatabaseUnavailableError(new Error('injected outage after the statement ran'));
      return rows;
    },
    async exec(script) {
      check(script);
      return target.exec(script);
    },
  });
  const direct = guard(inner);
  const faulty: FaultyDatabase = {
    kind: inner.kind,
    description: `faulty ${inner.description}`,
    down: false,
    failWhen: null,
    failAfter: null,
    query: direct.query,
    exec: direct.exec,
    transaction: (work) => inner.transaction((tx) => work(guard(tx))),
    changeSource: (channel) => inner.changeSource(channel),
    close: () => inner.close(),
  };
  return faulty;
}
