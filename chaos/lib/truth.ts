import type pg from 'pg';
import type { Shown, View } from './view-page';

/** What a page on `view` must show: a fresh query, in the same form as ViewPage.shown(). */
export async function truth(db: pg.Pool, view: View): Promise<Shown> {
  const containers = await db.query<{ name: string; n: number }>(
    `select c.name, (select count(*) from forums f where f.container_id = c.id)::int as n
       from containers c order by c.id`,
  );
  const forums = await db.query<{ name: string }>(
    view.kind === 'container'
      ? 'select name from forums where container_id = $1'
      : 'select name from forums',
    view.kind === 'container' ? [view.containerId] : [],
  );
  let detail = '';
  if (view.kind === 'forum') {
    const forum = await db.query<{ name: string; container: string }>(
      'select f.name, c.name as container from forums f join containers c on c.id = f.container_id where f.id = $1',
      [view.forumId],
    );
    detail = forum.rows[0] ? `${forum.rows[0].name} in ${forum.rows[0].container}` : 'deleted';
  }
  return {
    containers: containers.rows.map((r) => `${r.name} (${r.n})`),
    forums: forums.rows.map((r) => r.name).sort(),
    detail,
  };
}

/** Where `shown` differs from `expected`, in a line a person can read; '' when they are equal. */
export function difference(shown: Shown, expected: Shown): string {
  const parts: string[] = [];
  for (const key of ['containers', 'forums'] as const) {
    const has = new Set(shown[key]);
    const want = new Set(expected[key]);
    const missing = expected[key].filter((x) => !has.has(x));
    const extra = shown[key].filter((x) => !want.has(x));
    if (missing.length || extra.length || shown[key].length !== expected[key].length)
      parts.push(
        `${key}: missing ${JSON.stringify(missing.slice(0, 5))}, extra ${JSON.stringify(extra.slice(0, 5))} (${shown[key].length} shown, ${expected[key].length} in the database)`,
      );
    else if (shown[key].join('\n') !== expected[key].join('\n'))
      parts.push(`${key}: same rows in another order`);
  }
  if (shown.detail !== expected.detail)
    parts.push(`forum detail: shows "${shown.detail}", the database has "${expected.detail}"`);
  return parts.join('; ');
}
