/*
 * Public API of @changefeed/server.
 */
export { createNotifier } from './create-notifier.js';
export type { Notifier } from './create-notifier.js';
export type { NotifierOptions } from './options.js';
export type { NotifierMetrics } from './metrics.js';
export type { Source, SourceSink } from './source.js';
export { pgliteSource } from './pglite-source.js';
export type { PgliteSourceOptions, PGliteLike } from './pglite-source.js';
export { postgresSource } from './postgres-source.js';
export type { PostgresSourceOptions } from './postgres-source.js';
export { notifyTriggerSql } from './notify-trigger-sql.js';
export type { NotifyTriggerOptions } from './notify-trigger-sql.js';
export { installNotifyTrigger } from './install-notify-trigger.js';
export type { SqlRunner } from './install-notify-trigger.js';
export { ChangefeedError, ChangefeedTypeError, ErrorCode } from './errors.js';
export {
  DEFAULT_PATH,
  DEFAULT_SSE_PATH,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_MAX_PAYLOAD,
  DEFAULT_MAX_BUFFERED,
  DEFAULT_RATE_LIMIT,
  DEFAULT_RETENTION,
  DEFAULT_CHANNEL,
} from './constants.js';
export type { Notification, RowId } from '@changefeed/protocol';
