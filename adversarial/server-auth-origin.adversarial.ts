/**
 * Who gets in: `authenticate` returning every falsy value, and every origin / credential
 * combination, on both transports, against notifiers in their own processes.
 */
import { CloseCode } from '@changefeed/protocol';
import { request } from 'node:http';
import { ChildNotifier } from '../projects/server/src/testing/child-notifier.ts';
import { RawWsClient } from '../projects/server/src/testing/raw-ws-client.ts';
import { tally } from './lib/tally.ts';

/** An SSE GET with these headers (node:http sends Host as given, fetch() would not); the body is not read. */
function sse(port: number, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/events?collections=a', headers }, (res) => {
      resolve({ status: res.statusCode!, headers: res.headers });
      res.destroy();
    });
    req.on('error', reject);
    req.end();
  });
}

describe('server: authentication and origins', () => {
  const children: ChildNotifier[] = [];
  async function start(config: ConstructorParameters<typeof ChildNotifier>[0]): Promise<number> {
    const child = new ChildNotifier(config);
    children.push(child);
    return child.ready();
  }
  afterAll(() => Promise.all(children.map((c) => c.close())));

  it('refuses every falsy authenticate result: WebSocket 4401, SSE 401; a user gets in', async () => {
    const port = await start({ authenticateByHeader: true });
    for (const value of ['null', 'undefined', 'false', '0', 'empty string']) {
      const { status, client } = await RawWsClient.open(port, '/ws', { 'X-Return': value });
      expect(status).withContext(value).toBe(101);
      await client.until(() => client.closeCode !== undefined, `the close for ${value}`);
      expect(client.closeCode).withContext(value).toBe(CloseCode.Unauthenticated);
      expect(client.texts()).withContext(`${value}: nothing before the refusal`).toEqual([]);
      client.destroy();
      expect((await sse(port, { 'X-Return': value })).status).withContext(value).toBe(401);
      tally('server: falsy authenticate results', 2);
    }
    const { client } = await RawWsClient.open(port, '/ws', { 'X-Return': 'user' });
    await client.until(() => client.texts().length === 1, 'welcome');
    client.destroy();
    expect((await sse(port, { 'X-Return': 'user' })).status).toBe(200);
  }, 30_000);

  it('answers every origin / host combination as documented', async () => {
    const ports = {
      default: await start({}),
      star: await start({ options: { origins: '*' } }),
      listed: await start({ options: { origins: ['https://app.example'] } }),
    };
    type Case = { server: keyof typeof ports; name: string; headers: (port: number) => Record<string, string>; status: number; acao?: string | undefined; credentials?: string | undefined };
    const loop = (port: number) => `127.0.0.1:${port}`;
    const cases: Case[] = [
      { server: 'default', name: 'same origin on an IP', headers: (p) => ({ Host: loop(p), Origin: `http://${loop(p)}` }), status: 200 },
      { server: 'default', name: 'same origin on localhost', headers: (p) => ({ Host: `localhost:${p}`, Origin: `http://localhost:${p}` }), status: 200 },
      { server: 'default', name: 'no Origin (non-browser)', headers: (p) => ({ Host: loop(p) }), status: 200 },
      { server: 'default', name: 'cross origin', headers: (p) => ({ Host: loop(p), Origin: 'https://evil.example' }), status: 403 },
      { server: 'default', name: 'DNS rebinding (Origin and Host the attacker\'s)', headers: () => ({ Host: 'evil.example', Origin: 'http://evil.example' }), status: 403 },
      { server: 'default', name: 'rebinding without Origin', headers: () => ({ Host: 'evil.example' }), status: 403 },
      { server: 'default', name: 'Origin null', headers: (p) => ({ Host: loop(p), Origin: 'null' }), status: 403 },
      { server: 'default', name: 'garbage Origin', headers: (p) => ({ Host: loop(p), Origin: '%%%' }), status: 403 },
      { server: 'default', name: 'garbage Host', headers: () => ({ Host: '[::1', Origin: 'http://[::1' }), status: 403 },
      { server: 'star', name: "'*' any origin: no credentials", headers: (p) => ({ Host: loop(p), Origin: 'https://evil.example' }), status: 200, acao: '*', credentials: undefined },
      { server: 'star', name: "'*' any host", headers: () => ({ Host: 'evil.example', Origin: 'http://evil.example' }), status: 200, acao: '*', credentials: undefined },
      { server: 'listed', name: 'listed origin: credentials', headers: () => ({ Host: 'api.example', Origin: 'https://app.example' }), status: 200, acao: 'https://app.example', credentials: 'true' },
      { server: 'listed', name: 'listed origin, other case', headers: () => ({ Host: 'api.example', Origin: 'HTTPS://APP.EXAMPLE' }), status: 200 },
      { server: 'listed', name: 'unlisted origin', headers: () => ({ Host: 'api.example', Origin: 'https://evil.example' }), status: 403 },
      { server: 'listed', name: 'listed origin on another port', headers: () => ({ Host: 'api.example', Origin: 'https://app.example:444' }), status: 403 },
      { server: 'listed', name: 'listed origin with a suffix', headers: () => ({ Host: 'api.example', Origin: 'https://app.example.evil.example' }), status: 403 },
      { server: 'listed', name: 'no Origin', headers: () => ({ Host: 'api.example' }), status: 200, acao: undefined },
    ];
    for (const k of cases) {
      const port = ports[k.server];
      const headers = k.headers(port);
      const answer = await sse(port, headers);
      expect(answer.status).withContext(`SSE, ${k.server}: ${k.name}`).toBe(k.status);
      if ('acao' in k) expect(answer.headers['access-control-allow-origin']).withContext(`ACAO, ${k.name}`).toBe(k.acao);
      if ('credentials' in k) expect(answer.headers['access-control-allow-credentials']).withContext(`credentials, ${k.name}`).toBe(k.credentials);
      if (answer.headers['access-control-allow-credentials'] === 'true') expect(answer.headers['access-control-allow-origin']).not.toBe('*');
      const { status, client } = await RawWsClient.open(port, '/ws', headers);
      expect(status).withContext(`WebSocket, ${k.server}: ${k.name}`).toBe(k.status === 200 ? 101 : k.status);
      client.destroy();
      tally('server: origin/host/credential combinations', 2);
    }
  }, 60_000);
});
