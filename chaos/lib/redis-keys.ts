import { createClient } from '@redis/client';

function connectClient(url: string) {
  return createClient({
    url,
    RESP: 2,
    socket: { reconnectStrategy: false, connectTimeout: 2_000 },
  });
}

/** The machine's Redis, shared with others: a run only ever touches its own prefix. */
export const CHAOS_REDIS_URL = process.env['CHAOS_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * The keys of one shared log (`{prefix}:meta`, `{prefix}:log`) on a Redis that others use too:
 * deleting them is a `redis-flush` (the log lost, as after a restart without persistence) and the
 * cleanup after a run. Never FLUSHALL or FLUSHDB: other runs' keys live beside ours.
 */
export class RedisKeys {
  private constructor(
    private readonly client: ReturnType<typeof connectClient>,
    readonly prefix: string,
  ) {}

  static async open(url: string, prefix: string): Promise<RedisKeys> {
    const client = connectClient(url);
    client.on('error', () => {}); // a failed command rejects; the event alone must not crash
    try {
      await client.connect();
    } catch (error) {
      throw new Error(
        `chaos --cluster needs Redis at ${url} (${(error as Error).message}); set CHAOS_REDIS_URL`,
      );
    }
    return new RedisKeys(client, prefix);
  }

  /** Deletes every key of the prefix (SCAN, then DEL in batches); returns how many were deleted. */
  async deleteAll(): Promise<number> {
    // Glob characters in the prefix match themselves only when escaped.
    const pattern = `{${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}}:*`;
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = (await this.client.sendCommand([
        'SCAN',
        cursor,
        'MATCH',
        pattern,
        'COUNT',
        '100',
      ])) as [string, string[]];
      cursor = next;
      if (keys.length) deleted += Number(await this.client.sendCommand(['DEL', ...keys]));
    } while (cursor !== '0');
    return deleted;
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => this.client.destroy());
  }
}
