import type { IncomingMessage } from 'node:http';
import type { ResolvedOptions } from '../options.js';

/**
 * Is this request's Origin allowed? No Origin header (a non-browser client, or a same-origin
 * EventSource GET) is allowed: Origin exists to stop other sites' pages, which always send it.
 */
export function originAllowed(req: IncomingMessage, origins: ResolvedOptions['origins']): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || origins === '*') return true;
  if (origins === 'same-origin') {
    try {
      return new URL(origin).host.toLowerCase() === (req.headers.host ?? '').toLowerCase();
    } catch {
      // "null" (sandboxed frames, file://) or garbage: never same-origin.
      return false;
    }
  }
  return origins.has(origin.toLowerCase());
}
