import type { IncomingMessage } from 'node:http';

/** The request's path without the query string. */
export function pathnameOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
