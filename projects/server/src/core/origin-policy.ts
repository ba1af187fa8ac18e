import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { ChangefeedError, ErrorCode } from '../errors.js';
import type { HubContext } from './context.js';

/** Notifiers (by their options) already told that `origins` is missing: once each, not per request. */
const told = new WeakSet<object>();

/** `localhost`, `*.localhost` or an IP literal: names a DNS-rebinding page cannot send as its Host. */
function isLoopbackOrIp(hostname: string): boolean {
  const name = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  return name === 'localhost' || name.endsWith('.localhost') || isIP(name) !== 0;
}

function hostnameOf(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return undefined;
  }
}

/**
 * May this request open a socket or stream? `true`, or why not (answered with 403).
 *
 * - `origins` listed: the Origin must be one of them; no Origin (a non-browser client) passes.
 * - `origins: '*'`: everything passes.
 * - no `origins` (same origin): the Origin's host must equal the Host header — and, because a
 *   DNS-rebinding page controls both (its own name, resolved to this server), the Host must be
 *   `localhost`, `*.localhost` or an IP address. Any other host needs `origins`; the first refusal
 *   is reported to `onError` saying so.
 */
export function checkOrigin(req: IncomingMessage, ctx: HubContext): true | string {
  const { origins } = ctx.options;
  const origin = req.headers.origin;
  if (origins === '*') return true;
  if (origins !== 'same-origin') return origin === undefined || origins.has(origin.toLowerCase()) ? true : 'origin not allowed';
  const host = (req.headers.host ?? '').toLowerCase();
  const hostname = hostnameOf(host);
  if (hostname === undefined || !isLoopbackOrIp(hostname)) {
    if (!told.has(ctx.options)) {
      told.add(ctx.options);
      ctx.options.onError(
        new ChangefeedError(
          ErrorCode.OriginsRequired,
          `refused a request for host ${JSON.stringify(host)}: without options.origins only localhost and IP addresses are served ` +
            `(a DNS-rebinding page controls both Origin and Host). Set options.origins, e.g. ['https://${host || 'app.example.com'}']`,
        ),
      );
    }
    return 'host not allowed: set the notifier\'s "origins" option';
  }
  if (origin === undefined) return true;
  try {
    return new URL(origin).host.toLowerCase() === host ? true : 'origin not allowed';
  } catch {
    // "null" (sandboxed frames, file://) or garbage: never same-origin.
    return 'origin not allowed';
  }
}
