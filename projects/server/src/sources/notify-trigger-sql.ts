import { Limits } from '@changefeed/protocol';
import { DEFAULT_CHANNEL, PG_MAX_IDENTIFIER } from '../constants.js';
import { ChangefeedTypeError, ErrorCode } from '../errors.js';
import { checkChannel } from './parse-payload.js';

export interface NotifyTriggerOptions {
  /** Table to watch, optionally schema-qualified (`forums`, `app.forums`). */
  table: string;
  /** Collection name clients subscribe to. Default: the table name (without schema). */
  collection?: string;
  /** NOTIFY channel. Default `'changefeed'`. */
  channel?: string;
  /** Primary-key column sent as `id`. Default `'id'`. */
  idColumn?: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function ident(value: unknown, what: string): string {
  if (typeof value !== 'string' || !IDENT.test(value) || value.length > PG_MAX_IDENTIFIER) {
    throw new ChangefeedTypeError(
      ErrorCode.InvalidOption,
      `notifyTriggerSql(): ${what} must be an identifier (letters, digits, _; at most ${PG_MAX_IDENTIFIER} characters), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * SQL that installs a row trigger sending `{collection, op, id}` on `channel` after every INSERT,
 * UPDATE and DELETE of `table`. Ids only: far under NOTIFY's 8000-byte limit, and the client
 * refetches through its authorised endpoints anyway. No seq here: seqs allocated in transactions
 * do not arrive in commit order, so the hub numbers what it receives. Idempotent (re-run safe).
 */
export function notifyTriggerSql(options: NotifyTriggerOptions): string {
  if (!options || typeof options.table !== 'string') {
    throw new ChangefeedTypeError(
      ErrorCode.InvalidOption,
      'notifyTriggerSql(): options.table is required',
    );
  }
  const parts = options.table.split('.');
  if (parts.length > 2) ident(options.table, 'table');
  parts.forEach((p) => ident(p, 'table'));
  const table = parts.map((p) => `"${p}"`).join('.');
  const bare = parts[parts.length - 1];
  const collection = options.collection ?? bare;
  if (
    typeof collection !== 'string' ||
    collection.length === 0 ||
    collection.length > Limits.collectionLength
  ) {
    throw new ChangefeedTypeError(
      ErrorCode.InvalidOption,
      `notifyTriggerSql(): collection must be a non-empty string of at most ${Limits.collectionLength} characters`,
    );
  }
  const channel = checkChannel(options.channel ?? DEFAULT_CHANNEL, 'notifyTriggerSql()');
  const id = `"${ident(options.idColumn ?? 'id', 'idColumn')}"`;
  const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const fnName = `changefeed_notify_${parts.join('_')}`.slice(0, PG_MAX_IDENTIFIER);
  const fn = parts.length === 2 ? `"${parts[0]}"."${fnName}"` : `"${fnName}"`;
  const trigger = `"${`changefeed_${bare}`.slice(0, PG_MAX_IDENTIFIER)}"`;
  const send = (op: string, row: 'NEW' | 'OLD') =>
    `PERFORM pg_notify(${lit(channel)}, json_build_object('collection', ${lit(collection)}, 'op', ${op}, 'id', ${row}.${id})::text);`;
  return `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $changefeed$
BEGIN
  IF TG_OP = 'DELETE' THEN
    ${send("'delete'", 'OLD')}
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.${id} IS DISTINCT FROM NEW.${id} THEN
    ${send("'delete'", 'OLD')}
  END IF;
  ${send('lower(TG_OP)', 'NEW')}
  RETURN NEW;
END
$changefeed$;
DROP TRIGGER IF EXISTS ${trigger} ON ${table};
CREATE TRIGGER ${trigger} AFTER INSERT OR UPDATE OR DELETE ON ${table}
  FOR EACH ROW EXECUTE FUNCTION ${fn}();
`;
}
