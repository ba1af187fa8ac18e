/**
 * `node --import tsx projects/demo-api/src/main.ts [--in-memory]` — what `npm start` runs.
 * See options-from-env.ts for the environment variables.
 */
import { createDemoApi } from './create-demo-api';
import { optionsFromEnv } from './options-from-env';

const options = optionsFromEnv(process.env, process.argv.slice(2));
const api = await createDemoApi(options).catch((error: unknown) => {
  console.error(
    `demo-api: could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});

const shown =
  options.host === '127.0.0.1' || options.host === '0.0.0.0'
    ? `http://localhost:${api.port}`
    : api.url;
console.log(`changefeed demo ready at ${shown}  (${api.db.description}; Ctrl+C to stop)`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1); // a second Ctrl+C does not wait
    stopping = true;
    api.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('demo-api: error while stopping', error);
        process.exit(1);
      },
    );
  });
}
