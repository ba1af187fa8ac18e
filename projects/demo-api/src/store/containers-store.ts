import type { Database } from '../db/database';
import { ApiError } from '../http/api-error';
import { isForeignKeyViolation } from './is-foreign-key-violation';
import type { Container } from './rows';

const COLUMNS = `c.id, c.name, c.created_at as "createdAt",
  (select count(*) from forums f where f.container_id = c.id)::int as "forumCount"`;

/** SQL for containers. Every write is one statement or one transaction: nothing half-written. */
export class ContainersStore {
  constructor(private readonly db: Database) {}

  list(): Promise<Container[]> {
    return this.db.query<Container>(`select ${COLUMNS} from containers c order by c.id`);
  }

  async get(id: number): Promise<Container> {
    const [row] = await this.db.query<Container>(
      `select ${COLUMNS} from containers c where c.id = $1`,
      [id],
    );
    if (!row) throw ApiError.notFound(`container ${id}`);
    return row;
  }

  async create(name: string): Promise<Container> {
    const [row] = await this.db.query<Container>(
      `with c as (insert into containers (name) values ($1) returning *) select ${COLUMNS} from c`,
      [name],
    );
    return row!;
  }

  async rename(id: number, name: string): Promise<Container> {
    const [row] = await this.db.query<Container>(
      `with c as (update containers set name = $2 where id = $1 returning *) select ${COLUMNS} from c`,
      [id, name],
    );
    if (!row) throw ApiError.notFound(`container ${id}`);
    return row;
  }

  /**
   * Deletes a container. One that still has forums is refused with 409 unless `cascade`, which
   * deletes its forums and the container in one transaction.
   */
  async delete(id: number, cascade: boolean): Promise<void> {
    try {
      await this.db.transaction(async (tx) => {
        // Lock the row so a forum created concurrently cannot slip in between count and delete.
        const [row] = await tx.query<{ id: number }>(
          'select id from containers where id = $1 for update',
          [id],
        );
        if (!row) throw ApiError.notFound(`container ${id}`);
        if (cascade) {
          await tx.query('delete from forums where container_id = $1', [id]);
        } else {
          const [{ count }] = (await tx.query<{ count: number }>(
            'select count(*)::int as count from forums where container_id = $1',
            [id],
          )) as [{ count: number }];
          if (count > 0) throw notEmpty(id, count);
        }
        await tx.query('delete from containers where id = $1', [id]);
      });
    } catch (error) {
      // The foreign key is the last line of defence if the lock above is ever bypassed.
      if (isForeignKeyViolation(error)) throw notEmpty(id, undefined);
      throw error;
    }
  }
}

function notEmpty(id: number, forumCount: number | undefined): ApiError {
  return new ApiError(
    409,
    'container_not_empty',
    `container ${id} still has ${forumCount ?? 'some'} forum(s): move or delete them first, or DELETE with ?cascade=true`,
    undefined,
    forumCount === undefined ? {} : { forumCount },
  );
}
