import { InjectionToken } from '@angular/core';

// Production builds define ngDevMode as false: the token's description is for error messages in dev.
declare const ngDevMode: unknown;

/** Options of {@link withEventSource}; every field optional. */
export interface EventSourceOptions {
  /**
   * The Server-Sent Events endpoint (`@changefeed/server`'s `ssePath`, `/events` by default): a
   * path, an http(s) URL, or a function returning one (or a Promise of one), called before every
   * attempt so a token in the query string is always fresh. Default: `provideNotifications`'
   * `url`. Required with `fallback`, where that `url` is the WebSocket's.
   */
  url?: string | (() => string | Promise<string>);
  /** Send cookies on a cross-origin stream (`new EventSource(url, { withCredentials })`). Default false. */
  withCredentials?: boolean;
  /**
   * Start on WebSocket (`provideNotifications`' `url`) and move to Server-Sent Events (`url`
   * above) for good when a WebSocket attempt fails before it opens while none has ever
   * handshaken — an `Upgrade` a proxy strips, a host that serves no WebSockets. Reported on
   * `errors$` as `transport_fallback`; `injectNotificationsTransport()` says which is in use.
   * Default false: Server-Sent Events only.
   */
  fallback?: boolean;
}

/** The stream's URL and credentials mode, resolved. Internal. */
export interface EventSourceSettings {
  url: string | (() => string | Promise<string>);
  withCredentials: boolean;
}

// Pure: the core reaches this module without using the token, and a bundler drops a `new` only
// when told it has no side effects — an app without withEventSource() then ships none of it.
export const EVENT_SOURCE_SETTINGS = /* @__PURE__ */ new InjectionToken<EventSourceSettings>(
  typeof ngDevMode === 'undefined' || ngDevMode ? 'changefeed EVENT_SOURCE_SETTINGS' : '',
);
