import { CloseCode } from './close-codes';
import { goingAwayReason, reconnectWindow } from './reconnect-window';

describe('reconnect window', () => {
  it('round-trips through the close reason', () => {
    expect(goingAwayReason(5000)).toBe('server going away; spread=5000');
    expect(reconnectWindow(CloseCode.GoingAway, goingAwayReason(5000))).toBe(5000);
  });

  it('clamps what the server names to what clients accept', () => {
    expect(reconnectWindow(CloseCode.GoingAway, goingAwayReason(10))).toBe(1000);
    expect(reconnectWindow(CloseCode.GoingAway, goingAwayReason(500_000))).toBe(99_999);
    expect(reconnectWindow(CloseCode.GoingAway, goingAwayReason(1234.6))).toBe(1235);
  });

  it('reads the token only on a 1001', () => {
    expect(reconnectWindow(CloseCode.TryLater, 'spread=5000')).toBe(0);
    expect(reconnectWindow(CloseCode.GoingAway, 'spread=5000')).toBe(5000);
  });

  it('ignores garbled or out-of-range tokens', () => {
    for (const reason of [
      '',
      'spread=',
      'spread=1e4',
      'spread=500',
      'spread=123456',
      'xspread=5000',
      'spread=0999',
    ])
      expect(reconnectWindow(CloseCode.GoingAway, reason)).withContext(reason).toBe(0);
  });
});
