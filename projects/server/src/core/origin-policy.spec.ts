import { get } from 'node:http';
import { connect, startNotifier, useCleanup } from '../testing/helpers.js';

describe('checkOrigin', () => {
  useCleanup();

  it('refuses a DNS-rebinding shape (Origin and Host both the attacker\'s name) without origins, saying how to fix it', async () => {
    const errors: { code?: string; message: string }[] = [];
    const { url, http } = await startNotifier({ onError: (e) => errors.push(e) });
    const rebound = { host: 'evil.example:80', origin: 'http://evil.example:80' };
    const c = connect(url, { headers: rebound });
    await c.opened.catch(() => {});
    expect(c.unexpected?.status).toBe(403);
    // fetch() will not send another Host; node:http will.
    const sse = await new Promise<{ status: number; body: string }>((resolve) =>
      get(`${http}/events?collections=a`, { headers: rebound }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d)).on('end', () => resolve({ status: res.statusCode!, body }));
      }),
    );
    expect(sse.status).toBe(403);
    expect(sse.body).toContain('origins');
    expect(errors.map((e) => e.code)).withContext('reported once per notifier').toEqual(['ERR_CHANGEFEED_ORIGINS_REQUIRED']);
    expect(errors[0].message).toContain('Set options.origins');
  });

  it('serves same-origin on localhost and IP addresses, and any host once origins lists the page', async () => {
    const { url, port } = await startNotifier();
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `app.localhost:${port}`]) {
      const c = connect(url, { headers: { host, origin: `http://${host}` } });
      await c.next('welcome');
    }
    const listed = await startNotifier({ origins: ['https://app.example.com'] });
    const c = connect(listed.url, { headers: { host: 'api.example.com', origin: 'https://app.example.com' } });
    await c.next('welcome');
  });
});
