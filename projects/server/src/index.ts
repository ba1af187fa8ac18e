/*
 * Public API of @changefeed/server.
 */
export { createNotifier } from './create-notifier.js';
export type { Notifier } from './create-notifier.js';
export type { NotifierOptions } from './options.js';
export type { NotifierMetrics } from './core/metrics.js';
export type { Source, SourceSink } from './sources/source.js';
export { pgliteSource } from './sources/pglite-source.js';
export type { PgliteSourceOptions, PGliteLike } from './sources/pglite-source.js';
export { postgresSource } from './sources/postgres-source.js';
export type { PostgresSourceOptions } from './sources/postgres-source.js';
export { notifyTriggerSql } from './sources/notify-trigger-sql.js';
export type { NotifyTriggerOptions } from './sources/notify-trigger-sql.js';
export { installNotifyTrigger } from './sources/install-notify-trigger.js';
export type { SqlRunner } from './sources/install-notify-trigger.js';
export { redisLog } from './cluster/redis-log.js';
export type { RedisLogOptions } from './cluster/redis-log.js';
export { leaderSource } from './cluster/leader-source.js';
export type { LeaderSource, LeaderSourceOptions } from './cluster/leader-source.js';
export type { SharedLog, LogStats } from './cluster/shared-log.js';
export { ChangefeedError, ChangefeedTypeError, ErrorCode } from './errors.js';
export {
  DEFAULT_PATH,
  DEFAULT_SSE_PATH,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_MAX_PAYLOAD,
  DEFAULT_MAX_BUFFERED,
  DEFAULT_SSE_MAX_AGE_MS,
  DEFAULT_RATE_LIMIT,
  DEFAULT_RETENTION,
  DEFAULT_CHANNEL,
} from './constants.js';
export type { Notification, RowId } from '@changefeed/protocol';
