import { provideHttpClient, withFetch } from '@angular/common/http';
import { ApplicationConfig, provideBrowserGlobalErrorListeners } from '@angular/core';
import {
  provideNotifications,
  withEventSource,
  withHeartbeat,
  withReconnect,
} from '@changefeed/angular';

/**
 * `?transport=sse` in the page's address runs the demo over Server-Sent Events (`/events`)
 * instead of WebSocket (`/ws`); `?transport=fallback` starts on WebSocket and moves to
 * Server-Sent Events if it cannot connect. Read once, at startup.
 */
const transport =
  typeof location === 'undefined' ? null : new URLSearchParams(location.search).get('transport');

/** The notifier is mounted on the same origin as the app (demo-api serves both; ng serve proxies /ws and /events). */
export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideHttpClient(withFetch()),
    // A short backoff cap: a restarted demo server is back within seconds and the demo should show it.
    transport === 'sse'
      ? provideNotifications(
          { url: '/events' },
          withEventSource(),
          withReconnect({ maxDelay: 5_000 }),
        )
      : provideNotifications(
          { url: '/ws' },
          withReconnect({ maxDelay: 5_000 }),
          withHeartbeat(),
          ...(transport === 'fallback'
            ? [withEventSource({ url: '/events', fallback: true })]
            : []),
        ),
  ],
};
