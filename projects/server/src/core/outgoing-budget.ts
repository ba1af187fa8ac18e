import type { HubContext } from './context.js';

/**
 * The one bound on what a connection may queue: every byte a transport writes — notifications,
 * replays, control replies, SSE comments — is written first and then checked here against
 * `maxBuffered`, so a connection holds at most `maxBuffered` plus its last write. Over it, the
 * transport drops the connection (WebSocket 1013, SSE stream destroyed) and it is counted in
 * `drops`. A client that never reads therefore costs a bounded amount of memory, whatever it sends.
 */
export function overBudget(queuedBytes: number, ctx: HubContext): boolean {
  if (queuedBytes <= ctx.options.maxBuffered) return false;
  ctx.metrics.drops++;
  return true;
}
