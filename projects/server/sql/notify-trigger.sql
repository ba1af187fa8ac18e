-- changefeed: a generic notify trigger, as a migration.
-- notifyTriggerSql({ table }) generates the same per table from TypeScript; this file is for
-- projects that keep SQL migrations. It sends ids only ({"collection","op","id"}), far under
-- NOTIFY's 8000-byte limit, and no sequence number: the hub numbers what it receives, in order.
--
-- Arguments of the trigger: collection (default: the table name), channel (default
-- 'changefeed'), id column (default 'id').

CREATE OR REPLACE FUNCTION changefeed_notify() RETURNS trigger LANGUAGE plpgsql AS $changefeed$
DECLARE
  collection text := coalesce(TG_ARGV[0], TG_TABLE_NAME);
  channel text := coalesce(TG_ARGV[1], 'changefeed');
  id_column text := coalesce(TG_ARGV[2], 'id');
  old_id jsonb;
  new_id jsonb;
BEGIN
  IF TG_OP <> 'INSERT' THEN old_id := to_jsonb(OLD) -> id_column; END IF;
  IF TG_OP <> 'DELETE' THEN new_id := to_jsonb(NEW) -> id_column; END IF;
  -- A row whose id changed leaves its old id behind: tell views of the old id too.
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND old_id IS DISTINCT FROM new_id) THEN
    PERFORM pg_notify(channel, json_build_object('collection', collection, 'op', 'delete', 'id', old_id)::text);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM pg_notify(channel, json_build_object('collection', collection, 'op', lower(TG_OP), 'id', new_id)::text);
  END IF;
  RETURN NULL;
END
$changefeed$;

-- One per table, e.g.:
-- CREATE TRIGGER changefeed_forums AFTER INSERT OR UPDATE OR DELETE ON forums
--   FOR EACH ROW EXECUTE FUNCTION changefeed_notify('forums');
