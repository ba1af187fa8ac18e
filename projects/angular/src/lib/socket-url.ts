/**
 * Turns what the app configured (`/ws`, `https://api.example.com/ws`, `wss://…`) into an absolute
 * ws(s) URL. Browsers before 2024 reject relative and http(s) URLs in `new WebSocket()`, and
 * `provideNotifications({ url: '/ws' })` should work behind any origin, so the SDK resolves them
 * against the document's base URL. Throws a TypeError on a URL that cannot be parsed.
 */
export function socketUrl(url: string, base: string): string {
  const resolved = new URL(url, base);
  if (resolved.protocol === 'http:') resolved.protocol = 'ws:';
  else if (resolved.protocol === 'https:') resolved.protocol = 'wss:';
  return resolved.href;
}
