import { socketUrl } from './socket-url';

describe('socketUrl', () => {
  it('resolves a path against the page, keeping the query', () => {
    expect(socketUrl('/ws?token=a', 'http://app.test:4200/forums')).toBe('ws://app.test:4200/ws?token=a');
  });

  it('uses wss for pages served over https', () => {
    expect(socketUrl('/ws', 'https://app.test/')).toBe('wss://app.test/ws');
    expect(socketUrl('https://api.test/ws', 'http://app.test/')).toBe('wss://api.test/ws');
  });

  it('leaves ws and wss URLs as they are', () => {
    expect(socketUrl('wss://push.test/ws', 'http://app.test/')).toBe('wss://push.test/ws');
  });

  it('throws on a URL that cannot be parsed', () => {
    expect(() => socketUrl('http://[bad', 'http://app.test/')).toThrowError(TypeError);
  });
});
