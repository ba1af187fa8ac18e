import { FieldReader } from '../http/field-reader';
import { parseId } from '../http/parse-id';
import { readJsonObject } from '../http/read-json-object';
import type { Router } from '../http/router';
import { ApiError } from '../http/api-error';
import type { ContainersStore } from '../store/containers-store';

/**
 * `GET/POST /api/containers`, `GET/PATCH/DELETE /api/containers/:id`.
 * `DELETE …?cascade=true` also deletes the container's forums (one transaction).
 */
export function addContainerRoutes(router: Router, containers: ContainersStore): void {
  router
    .add('GET', '/api/containers', async () => ({ status: 200, body: await containers.list() }))
    .add('POST', '/api/containers', async ({ req }) => {
      const fields = new FieldReader(await readJsonObject(req), ['name']);
      const created = await containers.create(fields.name('name'));
      return { status: 201, body: created, headers: { location: `/api/containers/${created.id}` } };
    })
    .add('GET', '/api/containers/:id', async ({ params }) => ({
      status: 200,
      body: await containers.get(parseId(params['id'], 'id')),
    }))
    .add('PATCH', '/api/containers/:id', async ({ req, params }) => {
      const id = parseId(params['id'], 'id');
      const fields = new FieldReader(await readJsonObject(req), ['name']);
      return { status: 200, body: await containers.rename(id, fields.name('name')) };
    })
    .add('DELETE', '/api/containers/:id', async ({ params, url }) => {
      const id = parseId(params['id'], 'id');
      await containers.delete(id, parseCascade(url.searchParams.get('cascade')));
      return { status: 204 };
    });
}

function parseCascade(value: string | null): boolean {
  if (value === null || value === 'false') return false;
  if (value === 'true') return true;
  throw ApiError.invalidField('cascade', `must be true or false, got ${JSON.stringify(value)}`);
}
