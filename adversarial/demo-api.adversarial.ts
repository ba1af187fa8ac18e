/*
 * Hostile HTTP against the demo API as a real process (PGlite in a temp folder, port 0):
 * malformed request targets × every method × every route, hostile JSON bodies for every body
 * route and field, broken framing, oversized and slow requests. Every case asserts the status
 * projects/demo-api/README.md documents, and the process must be alive after every request: a
 * request that kills it fails the suite naming that request.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase } from '../e2e/lib/postgres.ts';
import { MAX_BODY_BYTES } from '../projects/demo-api/src/http/read-json-object.ts';
import {
  DemoApiProcess,
  START_TIMEOUT_MS,
} from '../projects/demo-api/src/testing/demo-api-process.ts';
import {
  chunked,
  rawRequest,
  type RawAnswer,
} from '../projects/demo-api/src/testing/raw-request.ts';
import { tally } from './lib/tally.ts';

/** A batch is hundreds of requests: seconds, more on a loaded machine. */
const BATCH_TIMEOUT_MS = 60_000;

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'] as const;
type Method = (typeof METHODS)[number];

/** Every API route with the methods it allows (the `Allow` of its 405), as in the README. */
const ROUTES: readonly { path: string; allow: readonly Method[] }[] = [
  { path: '/api/containers', allow: ['GET', 'POST'] },
  { path: '/api/containers/:id', allow: ['GET', 'PATCH', 'DELETE'] },
  { path: '/api/forums', allow: ['GET', 'POST'] },
  { path: '/api/forums/:id', allow: ['GET', 'PATCH', 'DELETE'] },
  { path: '/api/forums/burst', allow: ['POST'] },
  { path: '/api/health', allow: ['GET'] },
];

/** `:id` segments that are not ids: each is a 400 naming `id` on an allowed method. */
const HOSTILE_IDS = [
  '0',
  '-1',
  '1.5',
  '1e3',
  '0x10',
  '+1',
  '%201',
  '1%20',
  '2147483648',
  '99999999999',
  'abc',
  'null',
  'NaN',
  'Infinity',
  '%ZZ',
  '%',
  '%E0',
  '%E0%A4',
  '%00',
  '%F0%9F%98%80',
  '%C3%A9',
  '%EF%BC%91', // a full-width digit one
  '1%2F2',
  "1'",
  '1;select%201',
  '%5B%5D',
  '1,2',
  'x'.repeat(4000),
];

/** Targets outside the id routes, with what GET gets; other methods follow from where they land. */
const HOSTILE_TARGETS: readonly {
  target: string;
  lands: 'app' | 'api404' | 'invalid';
  get: number;
}[] = [
  // The demo app: any path without an extension is its index.html (SPA fallback).
  { target: '/', lands: 'app', get: 200 },
  { target: '//', lands: 'app', get: 200 },
  { target: '//a:b', lands: 'app', get: 200 },
  { target: '/\\a:b', lands: 'app', get: 200 },
  { target: '///', lands: 'app', get: 200 },
  { target: '//evil.example/api/containers', lands: 'app', get: 200 },
  { target: '//user:pass@evil.example:99999/x', lands: 'app', get: 200 },
  { target: '/@evil.example', lands: 'app', get: 404 }, // has an extension: a missing asset
  { target: '/API/containers', lands: 'app', get: 200 },
  { target: '/../../etc/passwd', lands: 'app', get: 200 },
  { target: '/%00', lands: 'app', get: 200 },
  { target: '/a?%ZZ=%ZZ', lands: 'app', get: 200 },
  { target: '/..%2f..%2fetc%2fpasswd', lands: 'app', get: 200 }, // /etc/passwd inside the app
  { target: '/missing.js', lands: 'app', get: 404 },
  { target: '/%ZZ', lands: 'app', get: 400 },
  { target: '/' + 'a'.repeat(8000), lands: 'app', get: 200 },
  // Under /api but no route there.
  { target: '/api', lands: 'api404', get: 404 },
  { target: '/api/', lands: 'api404', get: 404 },
  { target: '/api//containers', lands: 'api404', get: 404 },
  { target: '/api/containers/1/forums', lands: 'api404', get: 404 },
  { target: '/api/%ZZ', lands: 'api404', get: 404 },
  { target: '/api/nope?x=%ZZ', lands: 'api404', get: 404 },
  // Not a path at all.
  { target: '*', lands: 'invalid', get: 400 },
  { target: 'a:b', lands: 'invalid', get: 400 },
  { target: 'evil.example:443', lands: 'invalid', get: 400 },
  { target: 'http://[::1', lands: 'invalid', get: 400 },
  { target: 'ftp://evil.example/api/health', lands: 'invalid', get: 400 },
];

/** What a method gets on a target that lands in the app, under /api with no route, or nowhere. */
function expectedOn(lands: 'app' | 'api404' | 'invalid', get: number, method: Method): number {
  if (lands === 'app') return method === 'GET' || method === 'HEAD' ? get : 405;
  return get;
}

describe('demo API under hostile HTTP', () => {
  let api: DemoApiProcess;
  let dataDir: string;
  let staticDir: string;
  let slowloris: Promise<RawAnswer>[];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'demo-api-adversarial-data-'));
    staticDir = await mkdtemp(join(tmpdir(), 'demo-api-adversarial-app-'));
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>demo</title>');
    api = await DemoApiProcess.start({
      DEMO_DATA_DIR: dataDir,
      DEMO_STATIC_DIR: staticDir,
      DEMO_SEED: '0',
    });
    // Slow clients run beside everything else; the last spec checks the server timed them out.
    slowloris = Array.from({ length: 20 }, () =>
      rawRequest(api.port, 'GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: ', [], 30_000),
    );
  }, START_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    await api?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(staticDir, { recursive: true, force: true });
  });

  /** The request after which the process was found dead, once it has been. */
  let diedAfter: string | null = null;

  /** Fails naming `what` when the process has exited or stops answering. */
  async function expectAlive(what: string): Promise<void> {
    if (diedAfter !== null) throw new Error(`demo-api died earlier, after ${diedAfter}`);
    const health = await fetch(`${api.url}/api/health`).then(
      (response) => response.status,
      () => 0,
    );
    if (api.exited !== null || health !== 200) {
      diedAfter = what;
      fail(`demo-api died (${api.exited ?? `health ${health}`}) after ${what}\n${api.log}`);
      throw new Error('demo-api is dead; the remaining cases cannot run');
    }
  }

  /** Sends one raw request, checks its status and that the process survived it. */
  async function expectRaw(
    head: string,
    status: number,
    body: Iterable<Buffer | string> = [],
  ): Promise<RawAnswer> {
    const what = JSON.stringify(head.slice(0, 160));
    const answer = await rawRequest(api.port, head, body);
    if (answer.status === 0) await expectAlive(what);
    expect(answer.status)
      .withContext(`${what} → ${answer.body.slice(0, 200)}`)
      .toBe(status);
    return answer;
  }

  /** Sends a JSON-ish body with fetch and checks the status and, for a 400, the field named. */
  async function expectBody(
    method: Method,
    path: string,
    raw: string,
    status: number,
    field?: string,
    contentType = 'application/json',
  ): Promise<void> {
    const what = `${method} ${path} ${JSON.stringify(raw.slice(0, 80))} (${contentType})`;
    let answer: { status: number; error?: { code: string; field?: string } };
    try {
      const response = await fetch(api.url + path, {
        method,
        headers: { 'content-type': contentType },
        body: raw,
      });
      const text = await response.text();
      answer = { status: response.status, error: text ? JSON.parse(text).error : undefined };
    } catch (error) {
      await expectAlive(what);
      throw error;
    }
    expect(answer.status)
      .withContext(`${what} → ${JSON.stringify(answer.error)}`)
      .toBe(status);
    if (field !== undefined) expect(answer.error?.field).withContext(what).toBe(field);
  }

  it(
    'answers hostile :id segments on every method with 400 (allowed) or 405 (not)',
    async () => {
      let cases = 0;
      for (const route of ROUTES.filter((r) => r.path.endsWith('/:id'))) {
        for (const id of HOSTILE_IDS) {
          for (const method of METHODS) {
            const target = route.path.replace(':id', id);
            const answer = await expectRaw(
              `${method} ${target} HTTP/1.1\r\nHost: x\r\n\r\n`,
              route.allow.includes(method) ? 400 : 405,
            );
            if (answer.status === 405) {
              expect(answer.headers['allow']).withContext(target).toBe(route.allow.join(', '));
            }
            cases++;
          }
        }
      }
      await expectAlive('the hostile ids');
      tally('demo-api: hostile :id segments × methods', cases);
    },
    BATCH_TIMEOUT_MS,
  );

  it(
    'answers hostile request targets on every method with the documented status',
    async () => {
      let cases = 0;
      for (const { target, lands, get } of HOSTILE_TARGETS) {
        for (const method of METHODS) {
          await expectRaw(
            `${method} ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`,
            expectedOn(lands, get, method),
          );
          cases++;
        }
      }
      await expectAlive('the hostile targets');
      tally('demo-api: hostile targets × methods', cases);
    },
    BATCH_TIMEOUT_MS,
  );

  it(
    "survives hostile requests to the notifier's paths (/events, /ws): never a 5xx",
    async () => {
      const targets = [
        '/events',
        '/events?collections=%ZZ',
        '/events?collections=forums&since=%ZZ',
        '/events?collections=' + 'x,'.repeat(3000),
        '/events?' + 'collections=forums&'.repeat(300),
        '/events/',
        '/ws',
        '/ws?%ZZ',
      ];
      let cases = 0;
      for (const target of targets) {
        for (const method of METHODS) {
          const head = `${method} ${target} HTTP/1.1\r\nHost: x\r\nOrigin: ${api.url}\r\n\r\n`;
          const answer = await rawRequest(api.port, head);
          if (answer.status === 0) await expectAlive(JSON.stringify(head));
          expect(answer.status)
            .withContext(`${method} ${target.slice(0, 60)} → ${answer.body.slice(0, 100)}`)
            .toBeLessThan(500);
          cases++;
        }
      }
      await expectAlive("the notifier's paths");
      tally('demo-api: /events and /ws targets × methods', cases);
    },
    BATCH_TIMEOUT_MS,
  );

  it(
    'answers every route with 405 and Allow for a method it does not allow',
    async () => {
      let cases = 0;
      for (const route of ROUTES) {
        const target = route.path.replace(':id', '1');
        for (const method of METHODS.filter((m) => !route.allow.includes(m))) {
          const answer = await expectRaw(`${method} ${target} HTTP/1.1\r\nHost: x\r\n\r\n`, 405);
          expect(answer.headers['allow'])
            .withContext(`${method} ${target}`)
            .toBe(route.allow.join(', '));
          cases++;
        }
      }
      await expectAlive('the wrong methods');
      tally('demo-api: wrong methods', cases);
    },
    BATCH_TIMEOUT_MS,
  );

  it(
    'answers hostile query parameters with 400 naming them',
    async () => {
      const container = await createContainer();
      const cases: [string, string, string][] = [
        ...['%ZZ', '0', '-1', '1.5', 'abc', '2147483648', '', '%00', '1%2C2'].map(
          (value): [string, string, string] => [
            'GET',
            `/api/forums?containerId=${value}`,
            'containerId',
          ],
        ),
        ...['%ZZ', 'TRUE', '1', 'yes', '', '%00'].map((value): [string, string, string] => [
          'DELETE',
          `/api/containers/${container}?cascade=${value}`,
          'cascade',
        ]),
      ];
      for (const [method, target, field] of cases) {
        const answer = await expectRaw(`${method} ${target} HTTP/1.1\r\nHost: x\r\n\r\n`, 400);
        expect(JSON.parse(answer.body).error.field).withContext(target).toBe(field);
      }
      await expectAlive('the hostile query parameters');
      tally('demo-api: hostile query parameters', cases.length);
    },
    BATCH_TIMEOUT_MS,
  );

  it(
    'answers hostile JSON bodies on every body route with 400 naming the field',
    async () => {
      const container = await createContainer();
      const forum = await createForum(container);
      const bodyRoutes: { method: Method; path: string; valid: Record<string, unknown> }[] = [
        { method: 'POST', path: '/api/containers', valid: { name: 'x' } },
        { method: 'PATCH', path: `/api/containers/${container}`, valid: { name: 'x' } },
        { method: 'POST', path: '/api/forums', valid: { name: 'x', containerId: container } },
        {
          method: 'PATCH',
          path: `/api/forums/${forum}`,
          valid: { name: 'x', containerId: container },
        },
        { method: 'POST', path: '/api/forums/burst', valid: { containerId: container, count: 1 } },
      ];
      const hostile: Record<string, unknown[]> = {
        name: [
          1,
          null,
          true,
          [],
          {},
          ['x'],
          '',
          '   ',
          '\t\n',
          'x'.repeat(101),
          '\u{1F600}'.repeat(51), // 51 code points, 102 UTF-16 units
          'a\u0000b',
          '\u0000',
          'a\ud800',
          '\udfff',
        ],
        containerId: [
          '1',
          String(container),
          0,
          -1,
          1.5,
          2_147_483_648,
          1e300,
          -0.5,
          null,
          true,
          [],
          [container],
          {},
          { id: container },
          999_999,
        ],
        count: ['5', 0, -1, 1.5, 5001, 1e300, null, true, [], {}],
      };
      const invalidJson = [
        '',
        ' ',
        '{',
        '{"name":',
        '{"name":"x"}}',
        "{'name':'x'}",
        '{name:"x"}',
        '\ufeff{"name":"x"}',
        'nul',
        'NaN',
        '{"name":"a\u0000"}', // a raw control character inside a JSON string
        '\u0000',
        '[]',
        '[{"name":"x"}]',
        'null',
        '1',
        '"x"',
        'true',
        '['.repeat(MAX_BODY_BYTES / 2 - 1) + ']'.repeat(MAX_BODY_BYTES / 2 - 1) + 'x',
        '['.repeat(MAX_BODY_BYTES - 1),
      ];
      let cases = 0;
      for (const { method, path, valid } of bodyRoutes) {
        for (const raw of invalidJson) {
          await expectBody(method, path, raw, 400);
          cases++;
        }
        for (const [field, values] of Object.entries(hostile)) {
          if (!(field in valid)) continue;
          for (const value of values) {
            await expectBody(
              method,
              path,
              JSON.stringify({ ...valid, [field]: value }),
              400,
              field,
            );
            cases++;
          }
        }
        for (const unknown of ['nmae', '__proto__', 'constructor', 'id', 'createdAt', '']) {
          await expectBody(method, path, JSON.stringify({ ...valid, [unknown]: 1 }), 400, unknown);
          cases++;
        }
        // Deeply nested JSON within the size limit is read (or refused as JSON), never a crash.
        const deep = `{"name":${'['.repeat(5000)}${']'.repeat(5000)}}`;
        await expectBody(method, path, deep, 400);
        cases++;
        await expectBody(method, path, JSON.stringify(valid), method === 'POST' ? 201 : 200);
        cases++;
      }
      await expectAlive('the hostile JSON bodies');
      tally('demo-api: hostile JSON bodies', cases);
    },
    BATCH_TIMEOUT_MS,
  );

  it(
    'answers bodies of the wrong content type with 415 and oversized ones with 413',
    async () => {
      const types = [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/jsonx',
        'application/json-patch+json',
        'text/json',
        '',
      ];
      let cases = 0;
      for (const type of types) {
        await expectBody('POST', '/api/containers', '{"name":"x"}', 415, undefined, type);
        cases++;
      }
      for (const size of [MAX_BODY_BYTES + 1, 1024 * 1024]) {
        const raw = JSON.stringify({ name: 'x'.repeat(size) });
        await expectBody('POST', '/api/containers', raw, 413);
        cases++;
      }
      await expectAlive('the content types and sizes');
      tally('demo-api: content types and sizes', cases);
    },
    BATCH_TIMEOUT_MS,
  );

  it(
    'answers broken framing and protocol garbage with a 4xx, intact, and stays up',
    async () => {
      const post = 'POST /api/containers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n';
      const frames: [string, number, (Buffer | string)[]][] = [
        // A body over the limit: declared, or chunked and written in full before reading.
        [
          `${post}Content-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`,
          413,
          ['x'.repeat(MAX_BODY_BYTES + 1)],
        ],
        [`${post}Transfer-Encoding: chunked\r\n\r\n`, 413, [...chunked(10 * 1024 * 1024)]],
        [
          `${post}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n`,
          413,
          [...chunked(10 * 1024 * 1024)],
        ],
        [`${post}Content-Length: 100000\r\nExpect: 100-continue\r\n\r\n`, 413, []],
        // Framing Node's parser refuses (400, connection closed).
        [`${post}Transfer-Encoding: chunked\r\n\r\n`, 400, ['zz\r\nx\r\n0\r\n\r\n']],
        [`${post}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n`, 400, ['0\r\n\r\n']],
        [`${post}Content-Length: -1\r\n\r\n`, 400, []],
        [`${post}Content-Length: abc\r\n\r\n`, 400, []],
        [`${post}Content-Length: 1\r\nContent-Length: 2\r\n\r\n`, 400, ['xx']],
        ['GET /api/health HTTP/1.1\r\nHost: x\r\nX-Bad\0: 1\r\n\r\n', 400, []],
        ['GET /api/health HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n', 400, []],
        [
          'GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ' + 'a'.repeat(20_000) + '\r\n\r\n',
          431,
          [],
        ],
        ['GET /api/he alth HTTP/1.1\r\nHost: x\r\n\r\n', 400, []],
        ['HELLO\r\n\r\n', 400, []],
        ['GET /api/health HTTP/9.9\r\nHost: x\r\n\r\n', 400, []],
        ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 400, []],
        ['\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03', 400, []], // a TLS ClientHello
        // Bytes that are not UTF-8, and a raw NUL byte, inside a JSON body.
        withLength(post, 400, Buffer.from('{"name":"\xff\xfe"}', 'latin1')),
        withLength(post, 400, Buffer.from('{"name":"a\0"}', 'latin1')),
      ];
      for (const [head, status, body] of frames) {
        const answer = await expectRaw(head, status, body);
        expect(answer.error)
          .withContext(`${JSON.stringify(head.slice(0, 60))}`)
          .not.toBe('ECONNRESET');
      }
      await expectAlive('the framing cases');
      tally('demo-api: framing and protocol garbage', frames.length);
    },
    BATCH_TIMEOUT_MS,
  );

  it(
    'shrugs off clients that hang up mid-body: nothing logged as unexpected',
    async () => {
      const post = 'POST /api/containers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n';
      const cut = [
        `${post}Content-Length: 100\r\n\r\n{"name":`,
        `${post}Transfer-Encoding: chunked\r\n\r\n5\r\n{"nam`,
        `${post}Content-Length: 100\r\n\r\n`,
      ];
      for (const request of cut) {
        await new Promise<void>((resolve) => {
          const socket = connect(api.port, '127.0.0.1', () => {
            socket.write(request, () => socket.destroy());
          });
          socket.on('error', () => {}).on('close', () => resolve());
        });
      }
      await expectAlive('the clients that hung up');
      expect(api.log).not.toContain('unexpected error');
      tally('demo-api: hang-ups mid-body', cut.length);
    },
    BATCH_TIMEOUT_MS,
  );

  it(
    'times out clients that never finish their headers (slowloris) with 408',
    async () => {
      const answers = await Promise.all(slowloris);
      for (const answer of answers) expect(answer.status).toBe(408);
      await expectAlive('the slow clients');
      tally('demo-api: slow clients', answers.length);
    },
    BATCH_TIMEOUT_MS,
  );

  /** A request with `head` (up to the headers) and a Content-Length body. */
  function withLength(head: string, status: number, body: Buffer): [string, number, Buffer[]] {
    return [`${head}Content-Length: ${body.length}\r\n\r\n`, status, [body]];
  }

  async function createContainer(): Promise<number> {
    const response = await fetch(`${api.url}/api/containers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Target' }),
    });
    return ((await response.json()) as { id: number }).id;
  }

  async function createForum(containerId: number): Promise<number> {
    const response = await fetch(`${api.url}/api/forums`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Target', containerId }),
    });
    return ((await response.json()) as { id: number }).id;
  }
});

/**
 * The inputs Postgres itself would refuse (NUL, bytes that are not UTF-8, ids past `integer`)
 * against a demo API on the machine's real Postgres: the same 400s as on PGlite. Fails (never
 * skips) when Postgres is unreachable.
 */
describe('demo API on Postgres under hostile input', () => {
  let api: DemoApiProcess;
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;

  beforeAll(async () => {
    database = await createScratchDatabase();
    api = await DemoApiProcess.start({ DATABASE_URL: database.url, DEMO_SEED: '1' });
  }, START_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    await api?.stop();
    await database?.drop();
  });

  it(
    'answers what Postgres cannot store with 400, and stays up',
    async () => {
      const cases: [string, string, Buffer, string][] = [
        ['POST', '/api/containers', Buffer.from(JSON.stringify({ name: 'a\u0000b' })), 'name'],
        ['POST', '/api/containers', Buffer.from(JSON.stringify({ name: '\ud800' })), 'name'],
        ['PATCH', '/api/containers/1', Buffer.from(JSON.stringify({ name: '\u0000' })), 'name'],
        [
          'POST',
          '/api/forums',
          Buffer.from(JSON.stringify({ name: 'x', containerId: 2 ** 31 })),
          'containerId',
        ],
        [
          'POST',
          '/api/forums',
          Buffer.from(JSON.stringify({ name: 'x', containerId: '1' })),
          'containerId',
        ],
        ['POST', '/api/containers', Buffer.from('{"name":"\xc3\x28"}', 'latin1'), ''],
      ];
      for (const [method, path, body, field] of cases) {
        const what = `${method} ${path} ${JSON.stringify(body.toString('latin1'))}`;
        const response = await fetch(api.url + path, {
          method,
          headers: { 'content-type': 'application/json' },
          body: new Uint8Array(body),
        }).catch((error: unknown) => {
          fail(`demo-api on Postgres died (${api.exited}) after ${what}: ${error}\n${api.log}`);
          throw error;
        });
        const error = ((await response.json()) as { error: { field?: string } }).error;
        expect(response.status).withContext(what).toBe(400);
        expect(error.field ?? '')
          .withContext(what)
          .toBe(field);
      }
      for (const id of ['2147483648', '%00', '%ZZ']) {
        expect((await fetch(`${api.url}/api/forums/${id}`)).status)
          .withContext(id)
          .toBe(400);
      }
      expect((await fetch(`${api.url}/api/health`)).status).toBe(200);
      tally('demo-api: Postgres mode', cases.length + 3);
    },
    BATCH_TIMEOUT_MS,
  );
});
