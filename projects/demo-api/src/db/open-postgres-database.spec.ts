import pg from 'pg';
import { createDemoApi, type DemoApi } from '../create-demo-api';
import { apiClient } from '../testing/api-client';
import { DatabaseUnavailableError } from './database-unavailable-error';
import { openPostgresDatabase, redactConnectionString } from './open-postgres-database';

/** The machine's Postgres (see the team brief); the spec creates and drops its own database in it. */
const ADMIN_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('openPostgresDatabase', () => {
  it('turns an unreachable server into DatabaseUnavailableError (→ 503)', async () => {
    const db = openPostgresDatabase({
      connectionString: 'postgres://postgres@127.0.0.1:1/none',
      connectTimeoutMs: 1000,
    });
    try {
      await expectAsync(db.query('select 1')).toBeRejectedWithError(DatabaseUnavailableError);
      await expectAsync(db.transaction((tx) => tx.query('select 1'))).toBeRejectedWithError(
        DatabaseUnavailableError,
      );
    } finally {
      await db.close();
    }
  });

  it('never prints the password of a connection string', () => {
    expect(redactConnectionString('postgres://app:s3cret@db:5432/x')).toBe(
      'postgres://app:***@db:5432/x',
    );
  });

  describe('behind the demo API (real Postgres)', () => {
    const name = `changefeed_demo_api_spec_${process.pid}`;
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    let admin: pg.Client;
    let api: DemoApi;

    beforeAll(async () => {
      admin = new pg.Client({ connectionString: ADMIN_URL });
      admin.on('error', () => {});
      await admin.connect();
      await admin.query(`drop database if exists ${name}`);
      await admin.query(`create database ${name}`);
      api = await createDemoApi({
        port: 0,
        database: { kind: 'postgres', connectionString: url.toString() },
        staticDir: null,
      });
    });

    afterAll(async () => {
      await api?.close();
      await admin?.query(`drop database if exists ${name} with (force)`);
      await admin?.end();
    });

    it('migrates, serves the API and maps constraint errors the same as on PGlite', async () => {
      const request = apiClient(api.url);
      const container = await request('POST', '/api/containers', { name: 'On Postgres' });
      expect(container.status).toBe(201);
      const forum = await request('POST', '/api/forums', {
        name: 'Forum',
        containerId: container.body.id,
      });
      expect(forum.status).toBe(201);
      expect((await request('DELETE', `/api/containers/${container.body.id}`)).status).toBe(409);
      expect(
        (await request('POST', '/api/forums', { name: 'x', containerId: 999999 })).body.error.field,
      ).toBe('containerId');
      expect(
        (await request('POST', '/api/forums/burst', { containerId: container.body.id, count: 20 }))
          .body.inserted,
      ).toBe(20);
      expect(
        (await request('DELETE', `/api/containers/${container.body.id}?cascade=true`)).status,
      ).toBe(204);
    });

    it('migrates again without error when a second instance starts on the same database', async () => {
      const second = await createDemoApi({
        port: 0,
        database: { kind: 'postgres', connectionString: url.toString() },
        staticDir: null,
      });
      try {
        expect((await apiClient(second.url)('GET', '/api/health')).body).toEqual({
          status: 'ok',
          database: 'postgres',
        });
      } finally {
        await second.close();
      }
    });
  });
});
