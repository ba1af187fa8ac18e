import type { Database } from './db/database';

/** Example rows for a first start, inserted only into an empty database, in one transaction. */
export async function seed(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    const [{ count }] = (await tx.query<{ count: number }>(
      'select count(*)::int as count from containers',
    )) as [{ count: number }];
    if (count > 0) return;
    const examples: [string, string[]][] = [
      ['Engineering', ['Architecture', 'Code review', 'Incidents']],
      ['Product', ['Roadmap', 'Feedback']],
      ['Community', ['Introductions']],
    ];
    for (const [container, forums] of examples) {
      const [{ id }] = (await tx.query<{ id: number }>(
        'insert into containers (name) values ($1) returning id',
        [container],
      )) as [{ id: number }];
      for (const forum of forums)
        await tx.query('insert into forums (name, container_id) values ($1, $2)', [forum, id]);
    }
  });
}
