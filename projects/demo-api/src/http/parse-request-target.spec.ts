import { parseRequestTarget } from './parse-request-target';

describe('parseRequestTarget', () => {
  it('keeps the path and query of an origin-form target', () => {
    const url = parseRequestTarget('/api/forums?containerId=2')!;
    expect(url.pathname).toBe('/api/forums');
    expect(url.searchParams.get('containerId')).toBe('2');
  });

  it('parses targets that new URL(target, base) throws on, as paths', () => {
    expect(parseRequestTarget('//')?.pathname).toBe('//');
    expect(parseRequestTarget('//a:b')?.pathname).toBe('//a:b');
    // WHATWG URLs read `\` as `/` in http URLs; either way it is a path, not a host.
    expect(parseRequestTarget('/\\a:b')?.pathname).toBe('//a:b');
  });

  it('never lets a target choose the host that the path is read from', () => {
    expect(parseRequestTarget('//evil.example/api/containers')?.pathname).toBe(
      '//evil.example/api/containers',
    );
    expect(parseRequestTarget('//evil.example/api/containers')?.host).toBe('localhost');
  });

  it('keeps the path and query of an absolute-form target', () => {
    const url = parseRequestTarget('http://example.com:81/api/containers?cascade=true')!;
    expect(url.pathname).toBe('/api/containers');
    expect(url.search).toBe('?cascade=true');
  });

  it('returns null for targets that are not a path', () => {
    for (const target of [
      undefined,
      '',
      '*',
      'a:b',
      'example.com:443',
      'http://[::1',
      'ftp://x/',
    ]) {
      expect(parseRequestTarget(target)).withContext(String(target)).toBeNull();
    }
  });
});
