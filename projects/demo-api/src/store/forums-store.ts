import type { Database } from '../db/database';
import { ApiError } from '../http/api-error';
import { isForeignKeyViolation } from './is-foreign-key-violation';
import type { Forum } from './rows';

const COLUMNS = `id, name, container_id as "containerId", created_at as "createdAt"`;

/** SQL for forums. Every write is one statement or one transaction: nothing half-written. */
export class ForumsStore {
  constructor(private readonly db: Database) {}

  list(containerId?: number): Promise<Forum[]> {
    return containerId === undefined
      ? this.db.query<Forum>(`select ${COLUMNS} from forums order by id`)
      : this.db.query<Forum>(`select ${COLUMNS} from forums where container_id = $1 order by id`, [
          containerId,
        ]);
  }

  async get(id: number): Promise<Forum> {
    const [row] = await this.db.query<Forum>(`select ${COLUMNS} from forums where id = $1`, [id]);
    if (!row) throw ApiError.notFound(`forum ${id}`);
    return row;
  }

  async create(name: string, containerId: number): Promise<Forum> {
    const [row] = await withContainerCheck(containerId, () =>
      this.db.query<Forum>(
        `insert into forums (name, container_id) values ($1, $2) returning ${COLUMNS}`,
        [name, containerId],
      ),
    );
    return row!;
  }

  /** Renames and/or moves a forum to another container in one statement. */
  async update(id: number, changes: { name?: string; containerId?: number }): Promise<Forum> {
    const [row] = await withContainerCheck(changes.containerId, () =>
      this.db.query<Forum>(
        `update forums set name = coalesce($2, name), container_id = coalesce($3, container_id)
         where id = $1 returning ${COLUMNS}`,
        [id, changes.name ?? null, changes.containerId ?? null],
      ),
    );
    if (!row) throw ApiError.notFound(`forum ${id}`);
    return row;
  }

  async delete(id: number): Promise<void> {
    const rows = await this.db.query('delete from forums where id = $1 returning id', [id]);
    if (rows.length === 0) throw ApiError.notFound(`forum ${id}`);
  }

  /**
   * Inserts `count` forums into a container in ONE transaction, so the triggers' notifications
   * reach clients as one burst at commit: the demo's proof that views coalesce refetches.
   */
  async burst(
    containerId: number,
    count: number,
  ): Promise<{ containerId: number; inserted: number; firstId: number; lastId: number }> {
    return withContainerCheck(containerId, () =>
      this.db.transaction(async (tx) => {
        // Checked first so a missing container does not burn `count` identity values before failing.
        const found = await tx.query('select 1 from containers where id = $1 for share', [
          containerId,
        ]);
        if (found.length === 0)
          throw ApiError.invalidField('containerId', `container ${containerId} does not exist`);
        const rows = await tx.query<{ id: number }>(
          `insert into forums (name, container_id)
           select 'Burst forum ' || n, $1 from generate_series(1, $2::int) as n
           returning id`,
          [containerId, count],
        );
        const ids = rows.map((row) => row.id);
        return {
          containerId,
          inserted: ids.length,
          firstId: Math.min(...ids),
          lastId: Math.max(...ids),
        };
      }),
    );
  }
}

/** Turns the foreign key violation of an unknown `containerId` into a 400 naming that field. */
async function withContainerCheck<T>(
  containerId: number | undefined,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (containerId !== undefined && isForeignKeyViolation(error)) {
      throw ApiError.invalidField('containerId', `container ${containerId} does not exist`);
    }
    throw error;
  }
}
