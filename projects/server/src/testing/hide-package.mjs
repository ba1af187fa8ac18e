// Preload (`node --import ./hide-package.mjs`): makes the packages named in CHANGEFEED_HIDE
// (comma-separated) unresolvable, as if they were not installed. Registered after tsx, so its
// resolve hook runs first and the real import fails the way a missing package does.
import { register } from 'node:module';

register('./hide-package-hooks.mjs', import.meta.url, { data: (process.env.CHANGEFEED_HIDE ?? '').split(',').filter(Boolean) });
