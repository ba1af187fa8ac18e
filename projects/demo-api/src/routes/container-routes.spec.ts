import { startTestApi, STARTUP_TIMEOUT_MS, type TestApi } from '../testing/start-test-api';

describe('container routes', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi();
  }, STARTUP_TIMEOUT_MS);

  afterAll(async () => {
    await t?.api.close();
  });

  async function createContainer(name = 'Engineering'): Promise<{ id: number; name: string }> {
    const { status, body } = await t.request('POST', '/api/containers', { name });
    expect(status).withContext(JSON.stringify(body)).toBe(201);
    return body;
  }

  it('creates a container (201, Location) with a trimmed name and no forums', async () => {
    const { status, headers, body } = await t.request('POST', '/api/containers', {
      name: '  Product  ',
    });
    expect(status).toBe(201);
    expect(body).toEqual(jasmine.objectContaining({ name: 'Product', forumCount: 0 }));
    expect(headers.get('location')).toBe(`/api/containers/${body.id}`);
  });

  it('lists containers in id order with their forum counts', async () => {
    const first = await createContainer('First');
    const second = await createContainer('Second');
    await t.request('POST', '/api/forums', { name: 'In first', containerId: first.id });
    const { status, body } = await t.request('GET', '/api/containers');
    expect(status).toBe(200);
    const ids = body.map((c: { id: number }) => c.id);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => a - b));
    expect(body.find((c: { id: number }) => c.id === first.id).forumCount).toBe(1);
    expect(body.find((c: { id: number }) => c.id === second.id).forumCount).toBe(0);
  });

  it('gets one container, 404 for an unknown id, 400 naming id for a malformed one', async () => {
    const created = await createContainer();
    expect((await t.request('GET', `/api/containers/${created.id}`)).body).toEqual(
      jasmine.objectContaining({ id: created.id }),
    );
    const missing = await t.request('GET', '/api/containers/999999');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const malformed = await t.request('GET', '/api/containers/abc');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.field).toBe('id');
  });

  it('renames with PATCH {name}; 404 for an unknown id', async () => {
    const created = await createContainer('Old');
    const renamed = await t.request('PATCH', `/api/containers/${created.id}`, { name: 'New' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('New');
    expect((await t.request('PATCH', '/api/containers/999999', { name: 'x' })).status).toBe(404);
  });

  it('refuses bad names with 400 naming the field', async () => {
    for (const body of [
      {},
      { name: '' },
      { name: '   ' },
      { name: 42 },
      { name: 'x'.repeat(101) },
    ]) {
      const answer = await t.request('POST', '/api/containers', body);
      expect(answer.status).withContext(JSON.stringify(body)).toBe(400);
      expect(answer.body.error)
        .withContext(JSON.stringify(body))
        .toEqual(jasmine.objectContaining({ code: 'invalid_field', field: 'name' }));
    }
  });

  it('refuses unknown fields with 400 naming them', async () => {
    const answer = await t.request('POST', '/api/containers', { name: 'ok', colour: 'red' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe('colour');
  });

  it('deletes an empty container (204), then it is gone (404)', async () => {
    const created = await createContainer();
    expect((await t.request('DELETE', `/api/containers/${created.id}`)).status).toBe(204);
    expect((await t.request('GET', `/api/containers/${created.id}`)).status).toBe(404);
    expect((await t.request('DELETE', `/api/containers/${created.id}`)).status).toBe(404);
  });

  it('refuses to delete a container that still has forums (409) and keeps everything', async () => {
    const created = await createContainer();
    await t.request('POST', '/api/forums', { name: 'Keep me', containerId: created.id });
    const answer = await t.request('DELETE', `/api/containers/${created.id}`);
    expect(answer.status).toBe(409);
    expect(answer.body.error).toEqual(
      jasmine.objectContaining({ code: 'container_not_empty', forumCount: 1 }),
    );
    expect((await t.request('GET', `/api/forums?containerId=${created.id}`)).body.length).toBe(1);
  });

  it('deletes a container with its forums when asked to cascade', async () => {
    const created = await createContainer();
    await t.request('POST', '/api/forums', { name: 'Goes too', containerId: created.id });
    expect((await t.request('DELETE', `/api/containers/${created.id}?cascade=true`)).status).toBe(
      204,
    );
    expect((await t.request('GET', `/api/forums?containerId=${created.id}`)).body).toEqual([]);
    const bad = await t.request('DELETE', `/api/containers/${created.id}?cascade=yes`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('cascade');
  });

  it('rolls a cascade back completely when the database fails half-way (503, nothing half-written)', async () => {
    const created = await createContainer();
    await t.request('POST', '/api/forums', { name: 'Survivor', containerId: created.id });
    // The forums are deleted first; the failure hits the container delete in the same transaction.
    t.db.failWhen = (sql) => sql.startsWith('delete from containers');
    try {
      const answer = await t.request('DELETE', `/api/containers/${created.id}?cascade=true`);
      expect(answer.status).toBe(503);
      expect(answer.body.error.code).toBe('database_unavailable');
    } finally {
      t.db.failWhen = null;
    }
    expect(
      (await t.request('GET', `/api/forums?containerId=${created.id}`)).body.map(
        (f: { name: string }) => f.name,
      ),
    ).toEqual(['Survivor']);
    expect((await t.request('GET', `/api/containers/${created.id}`)).status).toBe(200);
  });
});
