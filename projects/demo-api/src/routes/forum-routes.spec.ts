import { startTestApi, STARTUP_TIMEOUT_MS, type TestApi } from '../testing/start-test-api';

describe('forum routes', () => {
  let t: TestApi;
  let home: number;
  let other: number;

  beforeAll(async () => {
    t = await startTestApi();
    home = (await t.request('POST', '/api/containers', { name: 'Home' })).body.id;
    other = (await t.request('POST', '/api/containers', { name: 'Other' })).body.id;
  }, STARTUP_TIMEOUT_MS);

  afterAll(async () => {
    await t?.api.close();
  });

  async function createForum(
    name = 'General',
    containerId = home,
  ): Promise<{ id: number; name: string; containerId: number }> {
    const { status, body } = await t.request('POST', '/api/forums', { name, containerId });
    expect(status).withContext(JSON.stringify(body)).toBe(201);
    return body;
  }

  it('creates a forum in a container (201, Location)', async () => {
    const { status, headers, body } = await t.request('POST', '/api/forums', {
      name: 'Ideas',
      containerId: home,
    });
    expect(status).toBe(201);
    expect(body).toEqual(jasmine.objectContaining({ name: 'Ideas', containerId: home }));
    expect(headers.get('location')).toBe(`/api/forums/${body.id}`);
  });

  it('filters the list with ?containerId= and answers 400 naming containerId when it is malformed', async () => {
    const inOther = await createForum('Elsewhere', other);
    const filtered = await t.request('GET', `/api/forums?containerId=${other}`);
    expect(filtered.status).toBe(200);
    expect(filtered.body.every((f: { containerId: number }) => f.containerId === other)).toBeTrue();
    expect(filtered.body.map((f: { id: number }) => f.id)).toContain(inOther.id);
    const all = await t.request('GET', '/api/forums');
    expect(all.body.length).toBeGreaterThanOrEqual(filtered.body.length);
    const bad = await t.request('GET', '/api/forums?containerId=-1');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('containerId');
  });

  it('refuses a forum without a valid, existing container with 400 naming containerId', async () => {
    for (const body of [
      { name: 'x' },
      { name: 'x', containerId: 'one' },
      { name: 'x', containerId: 1.5 },
      { name: 'x', containerId: 999999 },
      { name: 'x', containerId: String(home) }, // a digit string is the wrong type, as the README says
    ]) {
      const answer = await t.request('POST', '/api/forums', body);
      expect(answer.status).withContext(JSON.stringify(body)).toBe(400);
      expect(answer.body.error.field).withContext(JSON.stringify(body)).toBe('containerId');
    }
  });

  it('gets one forum; 404 for an unknown id', async () => {
    const forum = await createForum();
    expect((await t.request('GET', `/api/forums/${forum.id}`)).body).toEqual(
      jasmine.objectContaining({ id: forum.id, name: 'General' }),
    );
    expect((await t.request('GET', '/api/forums/999999')).status).toBe(404);
  });

  it('renames, moves, or both in one PATCH', async () => {
    const forum = await createForum('Before');
    const renamed = await t.request('PATCH', `/api/forums/${forum.id}`, { name: 'After' });
    expect(renamed.body).toEqual(jasmine.objectContaining({ name: 'After', containerId: home }));
    const moved = await t.request('PATCH', `/api/forums/${forum.id}`, { containerId: other });
    expect(moved.body).toEqual(jasmine.objectContaining({ name: 'After', containerId: other }));
    const both = await t.request('PATCH', `/api/forums/${forum.id}`, {
      name: 'Back',
      containerId: home,
    });
    expect(both.status).toBe(200);
    expect(both.body).toEqual(jasmine.objectContaining({ name: 'Back', containerId: home }));
  });

  it('refuses a PATCH that changes nothing or moves to an unknown container, leaving the forum as it was', async () => {
    const forum = await createForum('Stays');
    const empty = await t.request('PATCH', `/api/forums/${forum.id}`, {});
    expect(empty.status).toBe(400);
    expect(empty.body.error.field).toBe('name');
    const nowhere = await t.request('PATCH', `/api/forums/${forum.id}`, {
      name: 'Renamed',
      containerId: 999999,
    });
    expect(nowhere.status).toBe(400);
    expect(nowhere.body.error.field).toBe('containerId');
    expect((await t.request('GET', `/api/forums/${forum.id}`)).body).toEqual(
      jasmine.objectContaining({ name: 'Stays', containerId: home }),
    );
    expect((await t.request('PATCH', '/api/forums/999999', { name: 'x' })).status).toBe(404);
  });

  it('deletes a forum (204), then 404', async () => {
    const forum = await createForum();
    expect((await t.request('DELETE', `/api/forums/${forum.id}`)).status).toBe(204);
    expect((await t.request('DELETE', `/api/forums/${forum.id}`)).status).toBe(404);
  });

  it('bursts 500 forums into a container by default', async () => {
    const container = (await t.request('POST', '/api/containers', { name: 'Burst' })).body.id;
    const answer = await t.request('POST', '/api/forums/burst', { containerId: container });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual(
      jasmine.objectContaining({ containerId: container, inserted: 500 }),
    );
    expect((await t.request('GET', `/api/forums?containerId=${container}`)).body.length).toBe(500);
  });

  it('answers other methods on /api/forums/burst with 405 Allow: POST, not as an id', async () => {
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const answer = await t.request(method, '/api/forums/burst');
      expect(answer.status).withContext(method).toBe(405);
      expect(answer.headers.get('allow')).withContext(method).toBe('POST');
    }
  });

  it('validates the burst: count range and an existing container', async () => {
    for (const body of [
      { containerId: home, count: 0 },
      { containerId: home, count: 5001 },
      { containerId: home, count: '5' },
    ]) {
      const answer = await t.request('POST', '/api/forums/burst', body);
      expect(answer.status).withContext(JSON.stringify(body)).toBe(400);
      expect(answer.body.error.field).toBe('count');
    }
    const asString = await t.request('POST', '/api/forums/burst', { containerId: String(home) });
    expect(asString.status).toBe(400);
    expect(asString.body.error.field).toBe('containerId');
    const missing = await t.request('POST', '/api/forums/burst', { containerId: 999999, count: 3 });
    expect(missing.status).toBe(400);
    expect(missing.body.error.field).toBe('containerId');
  });

  it('writes a burst all or nothing: an outage after the insert ran leaves no forum behind', async () => {
    const container = (await t.request('POST', '/api/containers', { name: 'Atomic' })).body.id;
    t.db.failAfter = (sql) => sql.includes('generate_series');
    try {
      expect(
        (await t.request('POST', '/api/forums/burst', { containerId: container, count: 10 }))
          .status,
      ).toBe(503);
    } finally {
      t.db.failAfter = null;
    }
    expect((await t.request('GET', `/api/forums?containerId=${container}`)).body).toEqual([]);
  });
});
