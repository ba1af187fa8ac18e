import { DOCUMENT } from '@angular/common';
import { DestroyRef, inject, NgZone } from '@angular/core';

/**
 * Calls `wake` when the page may have slept or lost the network: `online`, `pageshow` (back from
 * the back/forward cache) and the page becoming visible — moments a throttled timer is late for.
 * Outside the Angular zone; the listeners go when the injector is destroyed. In an injection
 * context, in the browser: both transports use it to dial or check at once.
 */
export function onWake(wake: () => void): void {
  const document = inject(DOCUMENT);
  const window = document.defaultView;
  if (!window) return;
  const visible = () => document.visibilityState === 'visible' && wake();
  // Aborting the signal removes every listener at once when the app is destroyed.
  const listeners = new AbortController();
  const options = { signal: listeners.signal };
  inject(NgZone).runOutsideAngular(() => {
    window.addEventListener('online', wake, options);
    window.addEventListener('pageshow', wake, options);
    document.addEventListener('visibilitychange', visible, options);
  });
  inject(DestroyRef).onDestroy(() => listeners.abort());
}
