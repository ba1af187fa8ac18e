import { createHash } from 'node:crypto';

/**
 * The Lua scripts of the Redis log. Keys: KEYS[1] is the meta hash (`epoch`, `ems`, `seq`),
 * KEYS[2] the stream. Every entry's id is `<ems>-<seq>`: `ems` is fixed for an epoch (the Redis
 * time in ms when the epoch was made, above any id the stream held), so a range of seqs is one
 * XRANGE, and a reader blocked past the old epoch's head still receives a new epoch's entries,
 * whose ids are higher: it learns of the change from the next entry, not from a timeout.
 */

/** A Lua script and its SHA1 for EVALSHA. */
export interface LuaScript {
  source: string;
  sha: string;
}

export function lua(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

// Reads meta, making a new epoch when it is missing or incomplete: the log was lost (Redis
// restarted without persistence, keys deleted), so seqs start over under a new name. The name
// ends with the caller's nonce: unique even if Redis' clock went back to an earlier epoch's ms.
const OPEN_EPOCH = `
local cur = redis.call('HMGET', KEYS[1], 'epoch', 'ems', 'seq')
local epoch, ems, seq = cur[1], cur[2], tonumber(cur[3])
if not epoch or not ems or not seq then
  local t = redis.call('TIME')
  local ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local top = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
  if top[1] then
    local last = tonumber(string.match(top[1][1], '^%d+'))
    if last >= ms then ms = last + 1 end
  end
  redis.call('DEL', KEYS[2])
  ems = string.format('%.0f', ms)
  epoch = ems .. '-' .. ARGV[1]
  seq = 0
  redis.call('HSET', KEYS[1], 'epoch', epoch, 'ems', ems, 'seq', '0')
end
`;

/**
 * APPEND: ARGV[1] nonce (for a new epoch's name), ARGV[2] MAXLEN, then pairs of field and value:
 * `d <data>` or `r <reason>` (a reset marker). Numbers them consecutively, atomically.
 * Returns {epoch, ems, first seq, last seq}; with no records it only opens the epoch.
 */
export const APPEND = lua(`${OPEN_EPOCH}
local first = seq + 1
for i = 3, #ARGV, 2 do
  seq = seq + 1
  redis.call('XADD', KEYS[2], ems .. '-' .. string.format('%.0f', seq), 'e', epoch, ARGV[i], ARGV[i + 1])
end
if seq >= first then
  redis.call('HSET', KEYS[1], 'seq', string.format('%.0f', seq))
  redis.call('XTRIM', KEYS[2], 'MAXLEN', '~', ARGV[2])
end
return {epoch, ems, first, seq}
`);

/**
 * PROBE: ARGV[1] epoch, ARGV[2] seq of a reader. Returns {} when meta is missing, else
 * {epoch, ems, head, next}: next is 1 when the entry after the reader's seq is in the stream.
 * One atomic look, so an append racing the probe cannot pass for a lost entry.
 */
export const PROBE = lua(`
local cur = redis.call('HMGET', KEYS[1], 'epoch', 'ems', 'seq')
if not cur[1] or not cur[2] or not cur[3] then return {} end
local head, next = tonumber(cur[3]), 0
if cur[1] == ARGV[1] and head > tonumber(ARGV[2]) then
  local id = cur[2] .. '-' .. string.format('%.0f', tonumber(ARGV[2]) + 1)
  if redis.call('XRANGE', KEYS[2], id, id)[1] then next = 1 end
end
return {cur[1], cur[2], head, next}
`);

/**
 * RANGE: ARGV[1] epoch, ARGV[2] after, ARGV[3] at most this many entries. Returns {'epoch'},
 * {'ahead'} or {'trimmed'} (seq after + 1 is gone: a client away too long is answered without
 * reading the thousands of entries that follow), else {'ok', head, rows} with the stream entries of (after, head], with ARGV[3], only
 * the first ARGV[3] of them (a call holds Redis, every other client waiting, for as long as it
 * runs); the caller checks that none is missing.
 */
export const RANGE = lua(`
local cur = redis.call('HMGET', KEYS[1], 'epoch', 'ems', 'seq')
if cur[1] ~= ARGV[1] or not cur[2] or not cur[3] then return {'epoch'} end
local head, after = tonumber(cur[3]), tonumber(ARGV[2])
if after > head then return {'ahead'} end
if after == head then return {'ok', head, {}} end
local from, to = cur[2] .. '-' .. string.format('%.0f', after + 1), cur[2] .. '-' .. cur[3]
-- A range whose first entry is gone cannot be whole: say so before reading the rest of it.
local first = redis.call('XRANGE', KEYS[2], from, to, 'COUNT', 1)[1]
if not first or first[1] ~= from then return {'trimmed'} end
if ARGV[3] then return {'ok', head, redis.call('XRANGE', KEYS[2], from, to, 'COUNT', ARGV[3])} end
return {'ok', head, redis.call('XRANGE', KEYS[2], from, to)}
`);

/** The part of a client this module needs (a node-redis client satisfies it). */
export interface CommandSender {
  sendCommand<T = unknown>(args: readonly string[]): Promise<T>;
}

/** EVALSHA, falling back to EVAL once when Redis does not have the script (after a restart or SCRIPT FLUSH). */
export async function runScript<T>(
  client: CommandSender,
  script: LuaScript,
  keys: readonly string[],
  args: readonly string[],
): Promise<T> {
  try {
    return await client.sendCommand<T>([
      'EVALSHA',
      script.sha,
      String(keys.length),
      ...keys,
      ...args,
    ]);
  } catch (e) {
    // NOSCRIPT: nothing ran, so running the source is safe even for APPEND.
    if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
    return client.sendCommand<T>(['EVAL', script.source, String(keys.length), ...keys, ...args]);
  }
}
