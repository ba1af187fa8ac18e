import { createClient } from '@redis/client';

/** The Redis the cluster scenarios use (redisLog's), `BENCH_REDIS_URL` or the local one. */
export const REDIS_URL = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A connected client with RESP2 replies (arrays, as redisLog reads them); rejects when Redis is away. */
export async function redisClient() {
  const client = createClient({ url: REDIS_URL, RESP: 2 });
  // Failures reach the commands (and connect()) that meet them; the event must not crash the run.
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Deletes the keys of the redisLog named `prefix`, if Redis can be reached (cleanup never throws). */
export async function deleteLog(prefix: string): Promise<void> {
  const client = await redisClient().catch(() => undefined);
  await client?.del([`{${prefix}}:meta`, `{${prefix}}:log`]).catch(() => {});
  client?.destroy();
}
