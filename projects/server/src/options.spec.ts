import { createServer } from 'node:http';
import { createNotifier } from './create-notifier.js';
import { leaderSource } from './cluster/leader-source.js';
import type { SharedLog } from './cluster/shared-log.js';
import { resolveOptions, type NotifierOptions } from './options.js';
import { pgliteSource, type PGliteLike } from './sources/pglite-source.js';
import { postgresSource } from './sources/postgres-source.js';

function messageOf(options: unknown): string {
  try {
    createNotifier(options as NotifierOptions);
  } catch (e) {
    expect(e).toBeInstanceOf(TypeError);
    expect((e as { code?: string }).code).toBe('ERR_CHANGEFEED_INVALID_OPTION');
    return (e as Error).message;
  }
  return 'no error';
}

describe('NotifierOptions', () => {
  const server = createServer();

  it('applies documented defaults', () => {
    const o = resolveOptions({ server });
    expect(o).toEqual(jasmine.objectContaining({
      path: '/ws',
      ssePath: '/events',
      metricsPath: false,
      origins: 'same-origin',
      heartbeat: 25_000,
      maxPayload: 65_536,
      maxBuffered: 1_048_576,
      rateLimit: { commands: 100, perMs: 1_000 },
      retention: { count: 10_000, ms: 300_000 },
      sources: [],
    }));
  });

  it('states each rule in a TypeError', () => {
    const cases: [unknown, string][] = [
      [undefined, 'options must be an object'],
      [{}, 'exactly one of options.server and options.port must be given'],
      [{ server, port: 1 }, 'exactly one of options.server and options.port must be given'],
      [{ server: {} }, 'options.server must be an http.Server'],
      [{ port: -1 }, 'options.port must be an integer from 0 to 65535, got -1'],
      [{ port: 70000 }, 'options.port must be an integer from 0 to 65535, got 70000'],
      [{ port: '80' }, 'options.port must be an integer from 0 to 65535, got 80'],
      [{ server, host: 'localhost' }, 'options.host must be a string and needs options.port'],
      [{ server, path: 'ws' }, 'options.path must be a path starting with "/" (no query, no spaces), got "ws"'],
      [{ server, path: false }, 'options.path must be a path starting with "/"'],
      [{ server, ssePath: 'events' }, 'options.ssePath must be a path starting with "/" (no query, no spaces) or false'],
      [{ server, metricsPath: '/m?x' }, 'options.metricsPath must be a path'],
      [{ server, path: '/x', ssePath: '/x' }, 'options.path, ssePath and metricsPath must differ'],
      [{ server, origins: 'https://a.example' }, "options.origins must be '*' or an array of origins"],
      [{ server, origins: ['https://a.example/path'] }, "options.origins must be '*' or an array of origins"],
      [{ server, authenticate: 'yes' }, 'options.authenticate must be a function, got string'],
      [{ server, authorize: true }, 'options.authorize must be a function, got boolean'],
      [{ server, heartbeat: -5 }, 'options.heartbeat must be an integer ≥ 0, got -5'],
      [{ server, heartbeat: 1.5 }, 'options.heartbeat must be an integer ≥ 0, got 1.5'],
      [{ server, maxPayload: 10 }, 'options.maxPayload must be an integer ≥ 64, got 10'],
      [{ server, maxBuffered: 0 }, 'options.maxBuffered must be an integer ≥ 1024, got 0'],
      [{ server, rateLimit: { commands: 10 } }, 'options.rateLimit.perMs must be an integer ≥ 1, got -1'],
      [{ server, rateLimit: { commands: 0, perMs: 10 } }, 'options.rateLimit.commands must be an integer ≥ 1, got 0'],
      [{ server, retention: { count: 0 } }, 'options.retention.count must be an integer ≥ 1, got 0'],
      [{ server, retention: { ms: 'long' } }, 'options.retention.ms must be an integer ≥ 1, got long'],
      [{ server, sources: [{}] }, 'options.sources must be an array of sources'],
      [{ server, onError: 1 }, 'options.onError must be a function, got number'],
      [{ server, maxPayLoad: 1 }, 'unknown option "maxPayLoad"'],
    ];
    for (const [options, message] of cases) {
      expect(messageOf(options)).withContext(JSON.stringify(options)?.slice(0, 80) ?? 'undefined').toContain(`@changefeed/server: ${message}`);
    }
  });

  it('accepts "*" and an origin list, normalised to lower case', () => {
    expect(resolveOptions({ server, origins: '*' }).origins).toBe('*');
    expect(resolveOptions({ server, origins: ['HTTPS://App.Example:8443'] }).origins).toEqual(new Set(['https://app.example:8443']));
  });

  it('refuses per-instance sources with cluster, and leaderSource without it', () => {
    // Only the shape is checked here; cluster/cluster.spec.ts runs real logs.
    const log = Object.fromEntries(['append', 'appendReset', 'tail', 'readRange', 'flush', 'stats', 'close'].map((m) => [m, () => {}])) as unknown as SharedLog;
    const pg = postgresSource({ connectionString: 'postgres://127.0.0.1:1/none' });
    const pglite = pgliteSource({ db: { listen: async () => async () => {} } as unknown as PGliteLike });
    const leader = leaderSource({ connectionString: 'postgres://127.0.0.1:1/none' });
    expect(messageOf({ server, cluster: log, sources: [pg] })).toContain('use leaderSource');
    expect(messageOf({ server, cluster: log, sources: [pglite] })).toContain('use leaderSource');
    expect(messageOf({ server, sources: [leader] })).toContain('leaderSource() needs options.cluster');
    expect(messageOf({ server, cluster: {} })).toContain('options.cluster must be a shared log');
    expect(resolveOptions({ server, cluster: log, sources: [leader] }).cluster).toBe(log);
  });
});
