import type { NotificationsConfig } from './notifications-config';

/**
 * Calls `open` with the URL `url` gives for this attempt (the string, or what the function returns
 * or resolves to), or `failed` with what the function threw or rejected with, or what `open`
 * threw (a socket factory on a malformed URL). Never throws: both transports retry either with
 * backoff.
 */
export function resolveUrl(
  url: NotificationsConfig['url'],
  open: (url: string) => void,
  failed: (error: unknown) => void,
): void {
  try {
    const resolved = typeof url === 'string' ? url : url();
    if (typeof resolved === 'string') return open(resolved);
    resolved.then(open).catch(failed);
  } catch (error) {
    failed(error);
  }
}
