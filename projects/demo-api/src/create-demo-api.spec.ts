import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { MAX_DISCARDED_BYTES } from './http/discard-unread-body';
import { MAX_BODY_BYTES } from './http/read-json-object';
import { chunked, rawRequest } from './testing/raw-request';
import { startTestApi, STARTUP_TIMEOUT_MS, type TestApi } from './testing/start-test-api';

/** A protocol client reduced to what these specs need: subscribe, then collect notifications. */
async function subscribe(
  url: string,
  collections: string[],
): Promise<{ received: any[]; close(): void }> {
  const socket = new WebSocket(url.replace(/^http/, 'ws') + '/ws', { headers: { origin: url } });
  const received: any[] = [];
  socket.on('error', (error) => fail(`socket error: ${error.message}`));
  await new Promise<void>((resolve, reject) => {
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === 'welcome') socket.send(JSON.stringify({ type: 'subscribe', collections }));
      else if (frame.type === 'subscribed') resolve();
      else if (typeof frame.collection === 'string') received.push(frame);
    });
    socket.on('close', (code) => reject(new Error(`closed with ${code} before subscribed`)));
  });
  return { received, close: () => socket.close() };
}

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('createDemoApi', () => {
  let t: TestApi;
  let staticDir: string;

  beforeAll(async () => {
    staticDir = await mkdtemp(join(tmpdir(), 'demo-api-static-'));
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>demo</title>');
    await writeFile(join(staticDir, 'main-ABCDEFGH.js'), 'console.log(1)');
    t = await startTestApi({ staticDir });
  }, STARTUP_TIMEOUT_MS);

  afterAll(async () => {
    await t?.api.close();
    await rm(staticDir, { recursive: true, force: true });
  });

  describe('errors', () => {
    it('answers invalid JSON with 400 invalid_json', async () => {
      const answer = await t.request('POST', '/api/containers', undefined, { raw: '{"name": ' });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('invalid_json');
    });

    it('answers a JSON body that is not an object with 400 invalid_json', async () => {
      for (const raw of ['[]', '"x"', 'null', '']) {
        const answer = await t.request('POST', '/api/containers', undefined, { raw });
        expect(answer.status).withContext(raw).toBe(400);
        expect(answer.body.error.code).withContext(raw).toBe('invalid_json');
      }
    });

    it('answers a body that is not UTF-8 with 400 invalid_json, not a name full of U+FFFD', async () => {
      const answer = await fetch(`${t.api.url}/api/containers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new Uint8Array(Buffer.from('{"name":"\xff\xfe"}', 'latin1')),
      });
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as any).error.code).toBe('invalid_json');
    });

    it('answers a body that is not application/json with 415', async () => {
      const answer = await t.request('POST', '/api/containers', undefined, {
        raw: 'name=x',
        contentType: 'application/x-www-form-urlencoded',
      });
      expect(answer.status).toBe(415);
      expect(answer.body.error.code).toBe('unsupported_media_type');
    });

    it(`answers a body over ${MAX_BODY_BYTES} bytes with 413`, async () => {
      const answer = await t.request('POST', '/api/containers', {
        name: 'x'.repeat(MAX_BODY_BYTES),
      });
      expect(answer.status).toBe(413);
      expect(answer.body.error.code).toBe('payload_too_large');
    });

    it('answers request targets new URL() throws on, and keeps serving', async () => {
      for (const target of ['//', '//a:b', '/\\a:b', '//a:b/api/containers']) {
        const answer = await rawRequest(t.api.port, `GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`);
        expect(answer.status).withContext(target).toBe(200); // the app's index.html: a path like any other
      }
      const asterisk = await rawRequest(t.api.port, 'GET * HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(asterisk.status).toBe(400);
      expect(JSON.parse(asterisk.body).error.code).toBe('invalid_target');
      expect((await t.request('GET', '/api/health')).status).toBe(200);
    });

    it('answers an unexpected error with a logged 500, and keeps serving', async () => {
      const logged = spyOn(console, 'error');
      spyOn(t.db, 'query').and.rejectWith(new TypeError('a bug'));
      const answer = await t.request('GET', '/api/containers');
      expect(answer.status).toBe(500);
      expect(answer.body.error).toEqual({ code: 'internal', message: 'internal error' });
      expect(logged).toHaveBeenCalledWith('demo-api: unexpected error', jasmine.any(TypeError));
      (t.db.query as jasmine.Spy).and.callThrough();
      expect((await t.request('GET', '/api/containers')).status).toBe(200);
    });

    it('answers a path segment that is not valid percent-encoding with 400 naming it', async () => {
      for (const path of ['/api/forums/%ZZ', '/api/containers/%E0', '/api/containers/%']) {
        const answer = await t.request('GET', path);
        expect(answer.status).withContext(path).toBe(400);
        expect(answer.body.error.field).withContext(path).toBe('id');
      }
    });

    it('answers a name Postgres cannot store (NUL) with 400 naming it', async () => {
      const answer = await t.request('POST', '/api/containers', { name: 'a\u0000b' });
      expect(answer.status).toBe(400);
      expect(answer.body.error.field).toBe('name');
    });

    // A client that writes its whole body before reading: the answer must survive, not be reset.
    for (const connection of ['keep-alive', 'close']) {
      it(`answers a 10 MB chunked body with an intact 413 (Connection: ${connection})`, async () => {
        const size = 10 * 1024 * 1024;
        const answer = await rawRequest(
          t.api.port,
          'POST /api/containers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
            `Transfer-Encoding: chunked\r\nConnection: ${connection}\r\n\r\n`,
          chunked(size),
        );
        expect(answer.error).toBeUndefined();
        expect(answer.sent).toBeGreaterThan(size);
        expect(answer.status).toBe(413);
        expect(JSON.parse(answer.body).error.code).toBe('payload_too_large');
      });
    }

    it(`stops reading an unread body after ${MAX_DISCARDED_BYTES} bytes and closes the connection`, async () => {
      const size = MAX_DISCARDED_BYTES + 8 * 1024 * 1024;
      const answer = await rawRequest(
        t.api.port,
        'POST /api/containers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
          'Transfer-Encoding: chunked\r\n\r\n',
        chunked(size),
      );
      expect(answer.sent).toBeLessThan(size);
      expect((await t.request('GET', '/api/health')).status).toBe(200);
    });

    it('answers an unknown API path with 404 JSON', async () => {
      const answer = await t.request('GET', '/api/nope');
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('not_found');
    });

    it('answers a wrong method with 405 and Allow', async () => {
      const answer = await t.request('PUT', '/api/containers');
      expect(answer.status).toBe(405);
      expect(answer.headers.get('allow')).toBe('GET, POST');
    });

    it('answers 503 with Retry-After while the database is down, and recovers after', async () => {
      t.db.down = true;
      try {
        for (const [method, path, body] of [
          ['GET', '/api/health'],
          ['GET', '/api/containers'],
          ['POST', '/api/containers', { name: 'x' }],
          ['GET', '/api/forums'],
        ] as const) {
          const answer = await t.request(method, path, body);
          expect(answer.status).withContext(`${method} ${path}`).toBe(503);
          expect(answer.body.error.code).toBe('database_unavailable');
          expect(answer.headers.get('retry-after')).toBe('1');
        }
      } finally {
        t.db.down = false;
      }
      expect((await t.request('GET', '/api/health')).body).toEqual({
        status: 'ok',
        database: 'pglite',
      });
    });
  });

  describe('notifications', () => {
    it('notifies subscribers of API writes through the table triggers', async () => {
      const client = await subscribe(t.api.url, ['containers', 'forums']);
      try {
        const container = (await t.request('POST', '/api/containers', { name: 'Live' })).body;
        const forum = (
          await t.request('POST', '/api/forums', { name: 'Live forum', containerId: container.id })
        ).body;
        await t.request('PATCH', `/api/forums/${forum.id}`, { name: 'Renamed' });
        await t.request('DELETE', `/api/forums/${forum.id}`);
        await until(() => client.received.length >= 4, '4 notifications');
        expect(client.received.map(({ collection, op, id }) => ({ collection, op, id }))).toEqual([
          { collection: 'containers', op: 'insert', id: container.id },
          { collection: 'forums', op: 'insert', id: forum.id },
          { collection: 'forums', op: 'update', id: forum.id },
          { collection: 'forums', op: 'delete', id: forum.id },
        ]);
      } finally {
        client.close();
      }
    });

    it('notifies subscribers of a write made in SQL, not through the API', async () => {
      const client = await subscribe(t.api.url, ['containers']);
      try {
        const [row] = await t.api.db.query<{ id: number }>(
          "insert into containers (name) values ('From SQL') returning id",
        );
        await until(() => client.received.length >= 1, 'the notification');
        expect(client.received[0]).toEqual(
          jasmine.objectContaining({ collection: 'containers', op: 'insert', id: row!.id }),
        );
      } finally {
        client.close();
      }
    });

    it('delivers all 500 notifications of a burst', async () => {
      const client = await subscribe(t.api.url, ['forums']);
      try {
        const container = (await t.request('POST', '/api/containers', { name: 'Burst' })).body;
        await t.request('POST', '/api/forums/burst', { containerId: container.id });
        await until(() => client.received.length >= 500, '500 notifications');
        expect(new Set(client.received.map((n) => n.id)).size).toBe(500);
      } finally {
        client.close();
      }
    });
  });

  describe('the demo app', () => {
    it('serves index.html at / and for deep links (SPA fallback)', async () => {
      for (const path of ['/', '/containers/3']) {
        const answer = await t.request('GET', path);
        expect(answer.status).withContext(path).toBe(200);
        expect(answer.headers.get('content-type')).toContain('text/html');
        expect(answer.body).toContain('<title>demo</title>');
      }
    });

    it('serves hashed assets as immutable and missing files as 404', async () => {
      const asset = await t.request('GET', '/main-ABCDEFGH.js');
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toContain('immutable');
      expect((await t.request('GET', '/missing.js')).status).toBe(404);
    });
  });
});
