import { notifyTriggerSql } from './notify-trigger-sql.js';

describe('notifyTriggerSql', () => {
  it('builds an idempotent row trigger sending collection, op and id on the channel', () => {
    const sql = notifyTriggerSql({
      table: 'app.forums',
      collection: "o'forums",
      channel: 'chan',
      idColumn: 'forum_id',
    });
    expect(sql).toContain('CREATE OR REPLACE FUNCTION "app"."changefeed_notify_app_forums"()');
    expect(sql).toContain(
      `pg_notify('chan', json_build_object('collection', 'o''forums', 'op', lower(TG_OP), 'id', NEW."forum_id")::text)`,
    );
    expect(sql).toContain('DROP TRIGGER IF EXISTS "changefeed_forums" ON "app"."forums"');
    expect(sql).toContain('AFTER INSERT OR UPDATE OR DELETE ON "app"."forums"');
    expect(sql).toContain('FOR EACH ROW');
    expect(sql).not.toMatch(/seq/i);
  });

  it('defaults collection to the table, channel to changefeed, id column to id', () => {
    const sql = notifyTriggerSql({ table: 'forums' });
    expect(sql).toContain(
      `pg_notify('changefeed', json_build_object('collection', 'forums', 'op', lower(TG_OP), 'id', NEW."id")::text)`,
    );
  });

  it('refuses identifiers that would need quoting, with a TypeError', () => {
    for (const o of [
      { table: 'forums; drop table x' },
      { table: 'a.b.c' },
      { table: 'x', idColumn: 'id"' },
      { table: 'x', channel: 'a-b' },
      { table: 'x', collection: '' },
      {},
    ]) {
      expect(() => notifyTriggerSql(o as never))
        .withContext(JSON.stringify(o))
        .toThrowMatching(
          (e) =>
            e instanceof TypeError &&
            (e as { code?: string }).code === 'ERR_CHANGEFEED_INVALID_OPTION',
        );
    }
  });
});
