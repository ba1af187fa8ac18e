import type { RowId } from '@changefeed/protocol';
import type { IncomingMessage } from 'node:http';
import { ChangefeedError, ErrorCode, toError } from '../errors.js';
import type { HubContext } from './context.js';

/** Who a request is, or why it has no user. */
export type Authentication =
  { ok: true; user: unknown } | { ok: false; reason: 'unauthenticated' | 'failed' };

/**
 * Runs `authenticate` for a WebSocket upgrade or an SSE request. Fails closed: when `authenticate`
 * is given, any falsy result (null, undefined, false, 0, '') refuses, so one written as
 * `users.get(token)` does not let a bad token in. A throw is reported to `onError`.
 */
export async function authenticateRequest(
  req: IncomingMessage,
  ctx: HubContext,
): Promise<Authentication> {
  const authenticate = ctx.options.authenticate;
  if (authenticate === undefined) return { ok: true, user: undefined };
  let user: unknown;
  try {
    user = await authenticate(req);
  } catch (e) {
    ctx.options.onError(
      new ChangefeedError(ErrorCode.AuthenticateFailed, 'authenticate() failed', { cause: e }),
    );
    return { ok: false, reason: 'failed' };
  }
  if (!user) {
    ctx.metrics.unauthenticated++;
    return { ok: false, reason: 'unauthenticated' };
  }
  return { ok: true, user };
}

/** The answer for each collection of one subscribe (WebSocket frame or SSE query). */
export interface Verdicts {
  allowed: string[];
  /** `authorize` said no (anything but `true`): `forbidden`. */
  denied: string[];
  /** `authorize` threw or rejected: `internal`, reported to `onError`. */
  failed: string[];
}

/**
 * Asks `authorize` about each collection; synchronous when every answer is (the common case
 * stays off the microtask queue), a promise otherwise. Counts refusals and reports failures.
 */
export function authorizeCollections(
  ctx: HubContext,
  user: unknown,
  collections: string[],
  ids: RowId[] | undefined,
): Verdicts | Promise<Verdicts> {
  const authorize = ctx.options.authorize;
  if (authorize === undefined) return { allowed: collections, denied: [], failed: [] };
  let async = false;
  const answers = collections.map((c): unknown => {
    try {
      const v = authorize(user, c, ids);
      if (
        v !== null &&
        typeof v === 'object' &&
        typeof (v as Promise<boolean>).then === 'function'
      ) {
        async = true;
        return Promise.resolve(v).catch((e: unknown) => toError(e));
      }
      return v;
    } catch (e) {
      return toError(e);
    }
  });
  if (!async) return tally(ctx, collections, answers);
  return Promise.all(answers).then((resolved) => tally(ctx, collections, resolved));
}

function tally(ctx: HubContext, collections: string[], answers: unknown[]): Verdicts {
  const verdicts: Verdicts = { allowed: [], denied: [], failed: [] };
  collections.forEach((c, i) => {
    const v = answers[i];
    if (v instanceof Error) {
      verdicts.failed.push(c);
      ctx.options.onError(
        new ChangefeedError(ErrorCode.AuthorizeFailed, `authorize() failed for "${c}"`, {
          cause: v,
        }),
      );
    } else if (v === true) verdicts.allowed.push(c);
    else verdicts.denied.push(c);
  });
  ctx.metrics.forbidden += verdicts.denied.length;
  return verdicts;
}
