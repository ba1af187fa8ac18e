import type { Notification } from '@changefeed/protocol';

/** Where a source delivers what it receives. */
export interface SourceSink {
  /** A change; the hub validates it and assigns its seq. An invalid one is reported through `error`. */
  notify(n: Notification): void;
  /**
   * Notifications may have been lost (e.g. the LISTEN connection dropped): every client gets
   * `reset` for these collections (undefined: all), and resumes across this point get `reset`.
   */
  reset(collections?: string[]): void;
  /** An operational problem the source is handling itself (it keeps retrying). */
  error(err: Error): void;
}

/**
 * A stream of changes from outside the process, e.g. {@link postgresSource} or {@link pgliteSource}.
 * `start` resolves once the source is receiving; `stop` releases everything it holds.
 */
export interface Source {
  /**
   * `'instance'`: it sees the changes of one process or database session and delivers each to
   * every notifier that runs it, so with `cluster` every instance would append every change
   * (refused). `'cluster'`: it delivers each change once for all instances (`leaderSource`), so
   * it needs `cluster` (refused without). Undefined: either.
   */
  readonly scope?: 'instance' | 'cluster';
  start(sink: SourceSink): Promise<void>;
  stop(): Promise<void>;
}
