import type pg from 'pg';
import type { Random } from './random';

/** The containers and the forum the pages' views are on. */
export interface Pinned {
  containers: readonly number[];
  forum: number;
}

/** Past this many forums the writer deletes more than it creates, so lists stay readable. */
const MAX_FORUMS = 80;

/**
 * Random writes while faults happen: creates, renames, moves and deletes, half through the demo's
 * REST API (the app's own users) and half straight in SQL (another service, a migration, psql),
 * which only the database trigger reports. API writes fail while the server is down, as they
 * would for a user; SQL writes always land.
 */
export class Writer {
  /** Writes that landed, by how. */
  readonly landed = { api: 0, sql: 0 };
  #names = 0;
  #running: Promise<void> | null = null;
  #stop = false;

  constructor(
    /** A pool: a burst may land while a write is in flight. */
    private readonly db: pg.Pool,
    private readonly apiUrl: string,
    private readonly random: Random,
    /** What the pages' views follow: renamed and moved, never deleted. */
    private readonly pinned: Pinned,
    private readonly tag: string,
  ) {}

  /** Writes every `intervalMs` (± half) until stop(). */
  start(intervalMs: number): void {
    this.#stop = false;
    this.#running = (async () => {
      while (!this.#stop) {
        await this.step().catch(() => {});
        await new Promise((r) => setTimeout(r, intervalMs * (0.5 + this.random.next())));
      }
    })();
  }

  async stop(): Promise<void> {
    this.#stop = true;
    await this.#running;
    this.#running = null;
  }

  /** `n` forums in one transaction: one commit, n trigger notifications. */
  async burst(n: number): Promise<void> {
    const container = this.random.pick(this.pinned.containers);
    await this.db.query(
      `insert into forums (name, container_id) select $1 || '-' || i, $2 from generate_series(1, $3) i`,
      [this.#name('burst'), container, n],
    );
    this.landed.sql++;
  }

  async step(): Promise<void> {
    const forums = (await this.db.query<{ id: number }>('select id from forums')).rows.map(
      (r) => r.id,
    );
    const containers = (await this.db.query<{ id: number }>('select id from containers')).rows.map(
      (r) => r.id,
    );
    if (forums.length > MAX_FORUMS) {
      // One statement: many deletes in one commit, another burst shape.
      const deletable = forums.filter((id) => id !== this.pinned.forum);
      const doomed = this.random.sample(deletable, forums.length - MAX_FORUMS / 2);
      await this.db.query('delete from forums where id = any($1)', [doomed]);
      this.landed.sql++;
      return;
    }
    const viaSql = this.random.chance(0.5);
    const op = this.random.pick([
      'create forum',
      'create forum',
      'rename forum',
      'move forum',
      'delete forum',
      'create container',
      'rename container',
      'delete container',
    ] as const);
    // The followed forum gets a good share of the renames and moves, so its detail view is tested;
    // it is never deleted, and only moved between pinned containers (a cascade could take it).
    const followed = op !== 'delete forum' && this.random.chance(0.3);
    const deletable = forums.filter((id) => id !== this.pinned.forum);
    const forum = followed
      ? this.pinned.forum
      : deletable.length
        ? this.random.pick(deletable)
        : null;
    const container = this.random.pick(followed ? this.pinned.containers : containers);
    const spare = containers.filter((id) => !this.pinned.containers.includes(id));
    switch (op) {
      case 'create forum':
        return this.#write(
          viaSql,
          'insert into forums (name, container_id) values ($1, $2)',
          [this.#name('forum'), container],
          'POST',
          '/api/forums',
          { name: this.#name('forum'), containerId: container },
        );
      case 'rename forum':
        if (forum === null) return;
        return this.#write(
          viaSql,
          'update forums set name = $1 where id = $2',
          [this.#name('forum'), forum],
          'PATCH',
          `/api/forums/${forum}`,
          { name: this.#name('forum') },
        );
      case 'move forum':
        if (forum === null) return;
        return this.#write(
          viaSql,
          'update forums set container_id = $1 where id = $2',
          [container, forum],
          'PATCH',
          `/api/forums/${forum}`,
          { containerId: container },
        );
      case 'delete forum':
        if (forum === null) return;
        return this.#write(
          viaSql,
          'delete from forums where id = $1',
          [forum],
          'DELETE',
          `/api/forums/${forum}`,
        );
      case 'create container':
        if (containers.length >= 8) return;
        return this.#write(
          viaSql,
          'insert into containers (name) values ($1)',
          [this.#name('container')],
          'POST',
          '/api/containers',
          { name: this.#name('container') },
        );
      case 'rename container':
        return this.#write(
          viaSql,
          'update containers set name = $1 where id = $2',
          [this.#name('container'), container],
          'PATCH',
          `/api/containers/${container}`,
          { name: this.#name('container') },
        );
      case 'delete container': {
        if (!spare.length) return;
        const doomed = this.random.pick(spare);
        if (viaSql) {
          // One statement, so one transaction: the forums and their container go together.
          await this.db.query(
            'with gone as (delete from forums where container_id = $1) delete from containers where id = $1',
            [doomed],
          );
          this.landed.sql++;
          return;
        }
        return this.#write(false, '', [], 'DELETE', `/api/containers/${doomed}?cascade=true`);
      }
    }
  }

  #name(kind: string): string {
    return `${kind} ${this.tag}-${++this.#names}`;
  }

  async #write(
    viaSql: boolean,
    sql: string,
    params: unknown[],
    method: string,
    path: string,
    body?: object,
  ): Promise<void> {
    if (viaSql) {
      await this.db.query(sql, params);
      this.landed.sql++;
      return;
    }
    const response = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(3_000),
    });
    if (response.ok) this.landed.api++;
  }
}
