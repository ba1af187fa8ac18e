import { provideHttpClient, withFetch } from '@angular/common/http';
import { ApplicationConfig, provideBrowserGlobalErrorListeners } from '@angular/core';
import { provideNotifications, withHeartbeat, withReconnect } from '@changefeed/angular';

/** The notifier is mounted on the same origin as the app (demo-api serves both; ng serve proxies /ws). */
export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideHttpClient(withFetch()),
    // A short backoff cap: a restarted demo server is back within seconds and the demo should show it.
    provideNotifications(
      { url: '/ws' },
      withReconnect({ maxDelay: 5_000 }),
      withHeartbeat(),
    ),
  ],
};
