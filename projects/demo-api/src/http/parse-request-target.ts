/** Only the path and query of a target are used; the host is fixed so a target cannot name one. */
const BASE = 'http://localhost';

/**
 * Parses an HTTP request target (`req.url`) into a URL whose `pathname` is exactly the target's
 * path, or returns null when it is not one the demo serves (answered 400 by the caller).
 *
 * `new URL(target, base)` is wrong for both jobs: it throws on `//` or `//a:b` (a scheme-relative
 * URL with an empty or malformed host) and it reads `//evil.example/api/x` as host
 * `evil.example` with path `/api/x`. Prefixing the fixed origin keeps `//…` a path.
 * Absolute-form targets (`GET http://host/path`, which HTTP/1.1 servers must accept) keep their
 * path and query; anything else (`*`, `host:port`, garbage) is null.
 */
export function parseRequestTarget(target: string | undefined): URL | null {
  if (target === undefined || target === '') return null;
  if (target.startsWith('/')) return parseOrNull(BASE + target);
  const absolute = /^https?:\/\//i.test(target) ? parseOrNull(target) : null;
  return absolute && parseOrNull(BASE + absolute.pathname + absolute.search);
}

function parseOrNull(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
