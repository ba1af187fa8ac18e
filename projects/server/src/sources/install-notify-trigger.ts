import { ChangefeedTypeError, ErrorCode } from '../errors.js';
import { notifyTriggerSql, type NotifyTriggerOptions } from './notify-trigger-sql.js';

/** A pg Client/Pool (`query`) or a PGlite instance (`exec`, which runs several statements). */
export type SqlRunner =
  { exec(sql: string): Promise<unknown> } | { query(sql: string): Promise<unknown> };

/**
 * Runs {@link notifyTriggerSql} on a pg client/pool or a PGlite database.
 *
 * @example
 * await installNotifyTrigger(db, { table: 'forums' });
 */
export async function installNotifyTrigger(
  db: SqlRunner,
  options: NotifyTriggerOptions,
): Promise<void> {
  const sql = notifyTriggerSql(options);
  if ('exec' in db && typeof db.exec === 'function') await db.exec(sql);
  else if ('query' in db && typeof db.query === 'function') await db.query(sql);
  else
    throw new ChangefeedTypeError(
      ErrorCode.InvalidOption,
      'installNotifyTrigger(): db must have exec(sql) (PGlite) or query(sql) (pg)',
    );
}
