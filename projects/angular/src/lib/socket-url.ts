/**
 * Turns what the app configured (`/ws`, `https://api.example.com/ws`, `wss://…`) into an absolute
 * ws(s) URL. Browsers before 2024 reject relative and http(s) URLs in `new WebSocket()`, and
 * `provideNotifications({ url: '/ws' })` should work behind any origin, so the SDK resolves them
 * against the document's base URL. Throws a TypeError on a URL that cannot be parsed.
 */
export function socketUrl(url: string, base: string): string {
  // href starts with the scheme, lower-cased: http → ws, https → wss, ws(s) and others untouched.
  return new URL(url, base).href.replace(/^http/, 'ws');
}
