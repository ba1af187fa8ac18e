import { fileURLToPath } from 'node:url';
import type { DemoApiOptions } from './demo-api-options';

/** The repository root, so defaults do not depend on the directory the process starts in. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Options from the environment (and `--in-memory` on the command line):
 * - `PORT` (default 4200), `HOST` (default 127.0.0.1)
 * - `DATABASE_URL` → a real Postgres; otherwise embedded PGlite kept in `DEMO_DATA_DIR`
 *   (default `.data/demo` at the repository root), or in memory with `DEMO_IN_MEMORY=1` / `--in-memory`
 * - `DEMO_STATIC_DIR` (default `dist/demo/browser`), `DEMO_SEED=0` to start empty
 * - `DEMO_HEARTBEAT_MS`: the notifier's heartbeat (default the server's; chaos runs shorten it)
 * - `REDIS_URL` → cluster mode (several instances on one Postgres, one shared log); needs `DATABASE_URL`
 * - `DEMO_REDIS_PREFIX` (default `changefeed-demo`): the shared log's key prefix, so several demo
 *   clusters (a chaos run beside a developer's) can share one Redis without sharing a log
 * Throws a TypeError naming the variable when one is malformed.
 */
export function optionsFromEnv(
  env: NodeJS.ProcessEnv,
  argv: readonly string[] = [],
): DemoApiOptions {
  const port = env['PORT'] === undefined || env['PORT'] === '' ? 4200 : Number(env['PORT']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(
      `PORT must be an integer from 0 to 65535, got ${JSON.stringify(env['PORT'])}`,
    );
  }
  const url = env['DATABASE_URL'];
  if (url !== undefined && url !== '' && !/^postgres(ql)?:\/\//.test(url)) {
    throw new TypeError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const heartbeat = env['DEMO_HEARTBEAT_MS'] ? Number(env['DEMO_HEARTBEAT_MS']) : undefined;
  if (heartbeat !== undefined && (!Number.isSafeInteger(heartbeat) || heartbeat < 1000)) {
    throw new TypeError(
      `DEMO_HEARTBEAT_MS must be an integer ≥ 1000 (ms), got ${JSON.stringify(env['DEMO_HEARTBEAT_MS'])}`,
    );
  }
  const redisUrl = env['REDIS_URL'] || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new TypeError('REDIS_URL must start with redis:// or rediss://');
  }
  if (redisUrl !== undefined && !url) {
    throw new TypeError(
      'REDIS_URL needs DATABASE_URL: instances of a cluster share one Postgres (PGlite belongs to one process)',
    );
  }
  const redisPrefix = env['DEMO_REDIS_PREFIX'];
  if (redisPrefix !== undefined && !/^[^{}\s]{1,100}$/.test(redisPrefix)) {
    // redisLog()'s own rule, checked here so a bad value names the variable that holds it.
    throw new TypeError(
      `DEMO_REDIS_PREFIX must be 1 to 100 characters without whitespace or braces, got ${JSON.stringify(redisPrefix)}`,
    );
  }
  const inMemory = argv.includes('--in-memory') || isTrue(env['DEMO_IN_MEMORY']);
  return {
    port,
    host: env['HOST'] || '127.0.0.1',
    database: url
      ? { kind: 'postgres', connectionString: url }
      : { kind: 'pglite', dataDir: inMemory ? null : env['DEMO_DATA_DIR'] || `${ROOT}.data/demo` },
    staticDir: env['DEMO_STATIC_DIR'] || `${ROOT}dist/demo/browser`,
    seed: env['DEMO_SEED'] === undefined ? true : isTrue(env['DEMO_SEED']),
    ...(heartbeat === undefined ? {} : { heartbeat }),
    ...(redisUrl === undefined ? {} : { redisUrl }),
    ...(redisPrefix === undefined ? {} : { redisPrefix }),
  };
}

function isTrue(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}
