import { decodeServerFrame, ErrorFrame } from '@changefeed/protocol';
import { NotificationsError } from './notifications-error';

// Production builds define ngDevMode as false; undefined (tests, JIT) counts as dev.
declare const ngDevMode: unknown;

/** What the sentence of each error the services report at run time names. */
interface Details {
  /** The frame as it arrived. */
  malformed_frame: unknown;
  server_error: ErrorFrame;
  /** The collection the server refused and its reason; null when it closed with 4403. */
  forbidden: { collection: string; reason: string } | null;
  unauthenticated: null;
  /** `maxAttempts`, all failed. */
  reconnect_failed: number;
  /** What the url function or the socket factory threw. */
  url_failed: unknown;
  queue_overflow: null;
  transport_fallback: null;
}

/** The codes of the errors the services report at run time (the rest come from dev-mode checks). */
export type RuntimeErrorCode = keyof Details;

/**
 * The error the services report for `code`. The one place that asks whether this is a dev build:
 * production builds (the Angular CLI's) define `ngDevMode` as false, which folds the question
 * away and with it every sentence below and what only they use (the frame decoder's wording), so
 * only codes ship, as with Angular's own runtime errors. It is written out here, not read from a
 * shared constant, because bundlers fold only the expression itself.
 */
export function runtimeError<C extends RuntimeErrorCode>(
  code: C,
  detail: Details[C],
  collections?: string[],
): NotificationsError {
  const message = typeof ngDevMode === 'undefined' || ngDevMode ? SENTENCES[code](detail) : '';
  return new NotificationsError(code, message, collections);
}

/** What happened, and how to fix it. */
const SENTENCES: { [C in RuntimeErrorCode]: (detail: Details[C]) => string } = {
  malformed_frame: (data) => {
    const decoded = decodeServerFrame(data);
    const why = decoded.ok ? '' : decoded.error.message;
    return `ignored a malformed frame: ${why}. Is the server speaking changefeed protocol v1?`;
  },
  server_error: (frame) => `the server reported "${frame.code}": ${frame.message}`,
  forbidden: (refused) =>
    refused
      ? `the server refused "${refused.collection}" (${refused.reason}); check authorize() on the server or stop watching it.`
      : 'the server closed the connection with 4403 (forbidden); not reconnecting. Check the user may connect, then reload.',
  unauthenticated: () =>
    'the server closed the connection with 4401 (unauthenticated); the url function is asked for fresh credentials before the next attempt.',
  reconnect_failed: (maxAttempts) =>
    `gave up after ${maxAttempts} failed attempts; raise withReconnect({ maxAttempts }) or reload.`,
  url_failed: (error) =>
    `could not get a socket from the url (${error}); check provideNotifications({ url }). Retrying with backoff.`,
  transport_fallback: () =>
    'a WebSocket could not connect (a proxy that strips Upgrade?); moved to Server-Sent Events (withEventSource({ fallback: true })).',
  queue_overflow: () =>
    'dropped 1 outgoing frame (the oldest) while disconnected; raise queueSize in provideNotifications() if they matter.',
};
