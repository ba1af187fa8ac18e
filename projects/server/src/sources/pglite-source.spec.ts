import { PGlite } from '@electric-sql/pglite';
import { installNotifyTrigger } from './install-notify-trigger.js';
import { pgliteSource } from './pglite-source.js';
import {
  startNotifier,
  subscribed,
  useCleanup,
  useSpecTimeout,
  waitFor,
} from '../testing/helpers.js';

describe('pgliteSource', () => {
  useCleanup();
  // PGlite boots a WebAssembly Postgres: seconds, not milliseconds.
  useSpecTimeout(60_000);
  // One database for the whole describe: booting one takes seconds.
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
    await db.waitReady;
  });
  afterAll(() => db.close());

  it('turns trigger notifications of an in-process PGlite into deliveries', async () => {
    await db.exec(
      'CREATE TABLE forums (id serial PRIMARY KEY, title text); CREATE TABLE plain (id int)',
    );
    await installNotifyTrigger(db, { table: 'forums' });
    await installNotifyTrigger(db, { table: 'forums' }); // idempotent
    const errors: string[] = [];
    const { url, notifier } = await startNotifier({
      sources: [pgliteSource({ db })],
      onError: (e) => errors.push(e.code!),
    });
    const c = await subscribed(url, ['forums']);
    await db.query("INSERT INTO forums (title) VALUES ('a'), ('b')");
    await db.query("UPDATE forums SET title = 'c' WHERE id = 1");
    await db.query('UPDATE forums SET id = 10 WHERE id = 2');
    await db.query('DELETE FROM forums WHERE id = 1');
    await db.query("NOTIFY changefeed, 'forums'");
    await db.query(`NOTIFY changefeed, '{"broken'`);
    await c.waitNotifications(7);
    expect(c.notifications.map(({ op, id }) => `${op}:${id}`)).toEqual([
      'insert:1',
      'insert:2',
      'update:1',
      'delete:2',
      'update:10',
      'delete:1',
      'undefined:undefined',
    ]);
    expect(c.seqs()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await waitFor(() => errors.length === 1, 'the broken payload to be reported');
    expect(errors).toEqual(['ERR_CHANGEFEED_SOURCE_PAYLOAD']);
    expect(notifier.metrics().sourceErrors).toBe(1);
  });

  it('works with the generic trigger of sql/notify-trigger.sql', async () => {
    const { readFileSync } = await import('node:fs');
    await db.exec(readFileSync(new URL('../../sql/notify-trigger.sql', import.meta.url), 'utf8'));
    await db.exec(`CREATE TABLE posts (post_id int PRIMARY KEY);
      CREATE TRIGGER changefeed_posts AFTER INSERT OR UPDATE OR DELETE ON posts FOR EACH ROW EXECUTE FUNCTION changefeed_notify('articles', 'generic', 'post_id')`);
    const got: unknown[] = [];
    const source = pgliteSource({ db, channel: 'generic' });
    await source.start({ notify: (n) => got.push(n), reset: () => {}, error: () => {} });
    await db.query('INSERT INTO posts VALUES (1)');
    await db.query('UPDATE posts SET post_id = 2');
    await db.query('DELETE FROM posts');
    await waitFor(() => got.length === 4, 'four notifications');
    await source.stop();
    expect(got).toEqual([
      { collection: 'articles', op: 'insert', id: 1 },
      { collection: 'articles', op: 'delete', id: 1 },
      { collection: 'articles', op: 'update', id: 2 },
      { collection: 'articles', op: 'delete', id: 2 },
    ]);
  });

  it('stops listening on close', async () => {
    const source = pgliteSource({ db, channel: 'other' });
    const got: unknown[] = [];
    await source.start({ notify: (n) => got.push(n), reset: () => {}, error: () => {} });
    await db.query("NOTIFY other, 'a'");
    await waitFor(() => got.length === 1, 'one notification');
    await source.stop();
    await db.query("NOTIFY other, 'b'");
    await db.query('SELECT 1');
    expect(got).toEqual([{ collection: 'a' }]);
  });

  it('validates its options', () => {
    expect(() => pgliteSource({} as never)).toThrowError(
      TypeError,
      '@changefeed/server: pgliteSource(): options.db must be a PGlite instance',
    );
    expect(() => pgliteSource({ db, channel: 'bad channel' })).toThrowError(
      TypeError,
      /channel must be an identifier/,
    );
  });
});
