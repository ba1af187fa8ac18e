import { DEFAULT_CHANNEL } from '../constants.js';
import { ChangefeedTypeError, ErrorCode } from '../errors.js';
import { checkChannel, parsePayload } from './parse-payload.js';
import type { Source } from './source.js';

/** The part of a PGlite instance the source uses. */
export interface PGliteLike {
  listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>;
}

export interface PgliteSourceOptions {
  /** An open PGlite database (`new PGlite()`), shared with the app. */
  db: PGliteLike;
  /** NOTIFY channel. Default `'changefeed'`. */
  channel?: string;
}

/**
 * Changes from an in-process PGlite database (the embedded default). PGlite delivers NOTIFY to
 * `listen()` callbacks in-process, so there is no connection to lose and nothing to reset.
 *
 * @example
 * const db = new PGlite();
 * await installNotifyTrigger(db, { table: 'forums' });
 * createNotifier({ port: 3000, sources: [pgliteSource({ db })] });
 */
export function pgliteSource(options: PgliteSourceOptions): Source {
  if (!options || typeof options.db?.listen !== 'function') {
    throw new ChangefeedTypeError(
      ErrorCode.InvalidOption,
      'pgliteSource(): options.db must be a PGlite instance',
    );
  }
  const channel = checkChannel(options.channel ?? DEFAULT_CHANNEL, 'pgliteSource()');
  let unlisten: (() => Promise<void>) | undefined;
  const source: Source = {
    // PGlite runs inside one process: no other instance can see its notifications.
    scope: 'instance',
    async start(sink) {
      unlisten = await options.db.listen(channel, (payload) => {
        const n = parsePayload(payload, channel);
        if (n instanceof Error) sink.error(n);
        else sink.notify(n);
      });
    },
    async stop() {
      const u = unlisten;
      unlisten = undefined;
      await u?.();
    },
  };
  return source;
}
