import { Notification } from '@changefeed/angular';
import { Observable } from 'rxjs';

/** What a stream emitted, and how it ended. */
export interface Recorded<T> {
  values: T[];
  error: unknown;
}

/** Subscribes to `stream` and records what it emits and its error. */
export function record<T>(stream: Observable<T>): Recorded<T> {
  const recorded: Recorded<T> = { values: [], error: undefined };
  stream.subscribe({
    next: (value) => recorded.values.push(value),
    error: (error) => (recorded.error = error),
  });
  return recorded;
}

/** What a stream subscribed before its subscription was live gets once it is (the startup gap). */
export const reset = (collection: string): Notification => ({ collection, op: 'reset' });

/**
 * Raises Jasmine's timeout to `ms` for the specs of the enclosing describe, and restores it after:
 * a real server's reconnects take seconds, and a deadline only turns a hang into a failure.
 */
export function useSpecTimeout(ms: number): void {
  let original: number;
  beforeEach(() => {
    original = jasmine.DEFAULT_TIMEOUT_INTERVAL;
    jasmine.DEFAULT_TIMEOUT_INTERVAL = ms;
  });
  afterEach(() => (jasmine.DEFAULT_TIMEOUT_INTERVAL = original));
}
