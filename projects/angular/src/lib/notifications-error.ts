import type { NotificationsErrorCode } from './notifications-error-code';

/**
 * Every error the SDK reports, on `errors$` or on a collection's stream.
 *
 * @example
 * notifications.errors$.subscribe((e) => {
 *   if (e.code === 'malformed_frame') console.warn(e.message);
 * });
 */
export class NotificationsError extends Error {
  override readonly name = 'NotificationsError';

  constructor(
    readonly code: NotificationsErrorCode,
    /** What happened and how to fix it; production builds leave it out and say the code. */
    message: string,
    /** The collections concerned, when there are any. */
    readonly collections?: string[],
  ) {
    super('@changefeed/angular: ' + (message || code));
  }
}
