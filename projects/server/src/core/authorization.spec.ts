import { CloseCode } from '@changefeed/protocol';
import { connect, startNotifier, useCleanup } from '../testing/helpers.js';

describe('authenticateRequest (both transports)', () => {
  useCleanup();

  for (const [name, value] of [['null', null], ['undefined', undefined], ['false', false], ['0', 0], ["''", '']] as const) {
    it(`refuses when authenticate returns ${name}: WebSocket 4401, SSE 401`, async () => {
      const { url, http, notifier } = await startNotifier({ authenticate: () => value });
      const c = connect(url);
      expect(await c.closed).toBe(CloseCode.Unauthenticated);
      expect(c.frames).toEqual([]);
      expect((await fetch(`${http}/events?collections=a`)).status).toBe(401);
      expect(notifier.metrics().unauthenticated).toBe(2);
    });
  }
});
