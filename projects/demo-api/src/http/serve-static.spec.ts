import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveStatic } from './serve-static';

/** A raw GET: fetch() would normalise `..` away before the server could see it. */
function get(
  port: number,
  path: string,
  method = 'GET',
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    request({ port, path, method, host: '127.0.0.1' }, (res) => {
      let body = '';
      res
        .on('data', (chunk) => (body += chunk))
        .on('end', () =>
          resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }),
        );
    })
      .on('error', reject)
      .end();
  });
}

describe('serveStatic', () => {
  let root: string;
  let server: Server;
  let port: number;

  async function serve(dir: string): Promise<void> {
    const handler = serveStatic(dir);
    server = createServer(
      (req, res) => void handler(req, res, new URL(req.url!, 'http://localhost')),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'serve-static-'));
    await writeFile(join(root, 'index.html'), '<!doctype html>app');
    await writeFile(join(root, 'styles-ABCDEFGH.css'), 'body{}');
  });

  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await rm(root, { recursive: true, force: true });
  });

  it('serves files with their content type', async () => {
    await serve(root);
    expect(await get(port, '/styles-ABCDEFGH.css')).toEqual({
      status: 200,
      type: 'text/css; charset=utf-8',
      body: 'body{}',
    });
  });

  it('answers extensionless paths with index.html and missing assets with 404', async () => {
    await serve(root);
    expect((await get(port, '/forums/12')).body).toBe('<!doctype html>app');
    expect((await get(port, '/nope.js')).status).toBe(404);
  });

  it('never serves files outside its root', async () => {
    await serve(join(root));
    await writeFile(join(root, '..', 'secret.txt'), 'secret').catch(() => {});
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const answer = await get(port, path);
      expect(answer.body).withContext(path).not.toBe('secret');
    }
    await rm(join(root, '..', 'secret.txt'), { force: true });
  });

  it('answers HEAD without a body and other methods with 405', async () => {
    await serve(root);
    expect(await get(port, '/', 'HEAD')).toEqual(
      jasmine.objectContaining({ status: 200, body: '' }),
    );
    expect((await get(port, '/', 'POST')).status).toBe(405);
  });

  it('explains with 503 how to build the app when it is not built', async () => {
    await serve(join(root, 'not-built'));
    const answer = await get(port, '/');
    expect(answer.status).toBe(503);
    expect(answer.body).toContain('ng build demo');
  });
});
