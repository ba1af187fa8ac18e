import type { Source } from '@changefeed/server';

/** Something SQL can be sent to: the database itself or an open transaction. */
export interface Queryable {
  /** Runs one statement with `$1`-style parameters and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/**
 * The demo's storage, the same for embedded PGlite and a real Postgres, so routes never care
 * which one runs. Implementations turn connection failures into `DatabaseUnavailableError`
 * (→ HTTP 503) and leave every other error (constraint violations…) untouched.
 */
export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Where the data lives, for the start-up line: never contains a password. */
  readonly description: string;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** The @changefeed/server source that LISTENs on `channel` of this database. */
  changeSource(channel: string): Source;
  close(): Promise<void>;
}
