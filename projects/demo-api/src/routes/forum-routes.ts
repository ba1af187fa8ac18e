import { FieldReader } from '../http/field-reader';
import { parseId } from '../http/parse-id';
import { readJsonObject } from '../http/read-json-object';
import type { Router } from '../http/router';
import type { ForumsStore } from '../store/forums-store';

/** The burst the demo's button asks for, and the most one request may insert. */
export const DEFAULT_BURST = 500;
export const MAX_BURST = 5000;

/**
 * `GET/POST /api/forums` (`?containerId=` filters), `GET/PATCH/DELETE /api/forums/:id`
 * (PATCH `{name?, containerId?}` renames and/or moves), and `POST /api/forums/burst`
 * `{containerId, count = 500}` inserting `count` forums in one transaction.
 */
export function addForumRoutes(router: Router, forums: ForumsStore): void {
  router
    .add('GET', '/api/forums', async ({ url }) => {
      const filter = url.searchParams.get('containerId');
      return {
        status: 200,
        body: await forums.list(filter === null ? undefined : parseId(filter, 'containerId')),
      };
    })
    .add('POST', '/api/forums', async ({ req }) => {
      const fields = new FieldReader(await readJsonObject(req), ['name', 'containerId']);
      const name = fields.name('name');
      const created = await forums.create(name, fields.id('containerId'));
      return { status: 201, body: created, headers: { location: `/api/forums/${created.id}` } };
    })
    // `/:id` matches `burst` too; the router ranks this literal path first (GET on it is a 405).
    .add('POST', '/api/forums/burst', async ({ req }) => {
      const fields = new FieldReader(await readJsonObject(req), ['containerId', 'count']);
      const containerId = fields.id('containerId');
      const count = fields.integer('count', 1, MAX_BURST, DEFAULT_BURST);
      return { status: 201, body: await forums.burst(containerId, count) };
    })
    .add('GET', '/api/forums/:id', async ({ params }) => ({
      status: 200,
      body: await forums.get(parseId(params['id'], 'id')),
    }))
    .add('PATCH', '/api/forums/:id', async ({ req, params }) => {
      const id = parseId(params['id'], 'id');
      const fields = new FieldReader(await readJsonObject(req), ['name', 'containerId']);
      fields.requireOneOf('name', 'containerId');
      const changes = {
        ...(fields.has('name') ? { name: fields.name('name') } : {}),
        ...(fields.has('containerId') ? { containerId: fields.id('containerId') } : {}),
      };
      return { status: 200, body: await forums.update(id, changes) };
    })
    .add('DELETE', '/api/forums/:id', async ({ params }) => {
      await forums.delete(parseId(params['id'], 'id'));
      return { status: 204 };
    });
}
