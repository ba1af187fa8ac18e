import { optionsFromEnv } from './options-from-env';

describe('optionsFromEnv', () => {
  it('defaults to port 4200 and PGlite kept under .data/demo at the repository root', () => {
    const options = optionsFromEnv({});
    expect(options.port).toBe(4200);
    expect(options.host).toBe('127.0.0.1');
    expect(options.database).toEqual({
      kind: 'pglite',
      dataDir: jasmine.stringMatching(/\/\.data\/demo$/),
    });
    expect(options.staticDir).toMatch(/\/dist\/demo\/browser$/);
    expect(options.seed).toBeTrue();
  });

  it('keeps PGlite in memory with --in-memory or DEMO_IN_MEMORY=1', () => {
    expect(optionsFromEnv({}, ['--in-memory']).database).toEqual({ kind: 'pglite', dataDir: null });
    expect(optionsFromEnv({ DEMO_IN_MEMORY: '1' }).database).toEqual({
      kind: 'pglite',
      dataDir: null,
    });
  });

  it('switches to Postgres with DATABASE_URL', () => {
    expect(
      optionsFromEnv({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' }).database,
    ).toEqual({
      kind: 'postgres',
      connectionString: 'postgres://postgres@127.0.0.1:5432/test',
    });
  });

  it('turns on cluster mode with REDIS_URL, only next to DATABASE_URL', () => {
    const database = 'postgres://postgres@127.0.0.1:5432/test';
    expect(
      optionsFromEnv({ DATABASE_URL: database, REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl,
    ).toBe('redis://127.0.0.1:6379');
    expect(optionsFromEnv({ DATABASE_URL: database }).redisUrl).toBeUndefined();
    expect(() => optionsFromEnv({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrowError(
      TypeError,
      /REDIS_URL needs DATABASE_URL/,
    );
    expect(() => optionsFromEnv({ DATABASE_URL: database, REDIS_URL: 'http://x' })).toThrowError(
      TypeError,
      'REDIS_URL must start with redis:// or rediss://',
    );
  });

  it('reads DEMO_REDIS_PREFIX (the shared log key prefix) and rejects an unusable one', () => {
    const database = 'postgres://postgres@127.0.0.1:5432/test';
    const redis = 'redis://127.0.0.1:6379';
    expect(
      optionsFromEnv({ DATABASE_URL: database, REDIS_URL: redis, DEMO_REDIS_PREFIX: 'chaos-1-5' })
        .redisPrefix,
    ).toBe('chaos-1-5');
    expect(
      optionsFromEnv({ DATABASE_URL: database, REDIS_URL: redis }).redisPrefix,
    ).toBeUndefined();
    for (const bad of ['', 'a b', 'tab\there', '{x}', 'x'.repeat(101)])
      expect(() =>
        optionsFromEnv({ DATABASE_URL: database, REDIS_URL: redis, DEMO_REDIS_PREFIX: bad }),
      ).toThrowError(
        TypeError,
        `DEMO_REDIS_PREFIX must be 1 to 100 characters without whitespace or braces, got ${JSON.stringify(bad)}`,
      );
  });

  it('reads PORT, DEMO_DATA_DIR, DEMO_STATIC_DIR and DEMO_SEED', () => {
    const options = optionsFromEnv({
      PORT: '0',
      DEMO_DATA_DIR: '/tmp/d',
      DEMO_STATIC_DIR: '/tmp/s',
      DEMO_SEED: '0',
    });
    expect(options).toEqual(
      jasmine.objectContaining({
        port: 0,
        staticDir: '/tmp/s',
        seed: false,
        database: { kind: 'pglite', dataDir: '/tmp/d' },
      }),
    );
  });

  it('throws a TypeError naming the malformed variable', () => {
    expect(() => optionsFromEnv({ PORT: 'http' })).toThrowError(
      TypeError,
      'PORT must be an integer from 0 to 65535, got "http"',
    );
    expect(() => optionsFromEnv({ DATABASE_URL: 'mysql://x' })).toThrowError(
      TypeError,
      'DATABASE_URL must start with postgres:// or postgresql://',
    );
    expect(() => optionsFromEnv({ DEMO_HEARTBEAT_MS: '50' })).toThrowError(
      TypeError,
      'DEMO_HEARTBEAT_MS must be an integer ≥ 1000 (ms), got "50"',
    );
  });

  it('reads DEMO_HEARTBEAT_MS for the notifier', () => {
    expect(optionsFromEnv({ DEMO_HEARTBEAT_MS: '3000' }).heartbeat).toBe(3000);
    expect(optionsFromEnv({}).heartbeat).toBeUndefined();
  });
});
