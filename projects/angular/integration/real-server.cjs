// Karma plugin: runs a REAL @changefeed/server (integration/real-server.ts) in a child process
// for the whole Karma run, so real-server.spec.ts can drive the SDK against it. The browser steers
// it through POST /changefeed-real-server, which this middleware forwards to the child's own
// control API (same origin for the page, and the request simply waits while the child starts).
// A child process rather than in-process: the server is ESM TypeScript that runs through tsx
// with the repo's tsconfig paths, while Karma's config is CommonJS.
const { spawn } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../../..');
const SCRIPT = 'projects/angular/integration/real-server.ts';
/** tsx compiles the server on start; generous, it only turns a hang into a message. */
const START_DEADLINE_MS = 60_000;

let child;
let ready;

function start(log) {
  // stdin is a pipe the child watches: if Karma dies without its exit hook, the pipe closes and
  // the child exits, so no server outlives the run.
  child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const spawned = child;
  ready = new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`${SCRIPT} did not report its port within ${START_DEADLINE_MS} ms`)),
      START_DEADLINE_MS,
    );
    spawned.stdout.setEncoding('utf8');
    spawned.stdout.on('data', (chunk) => {
      out += chunk;
      const newline = out.indexOf('\n');
      if (newline === -1) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.slice(0, newline)).port);
      } catch {
        reject(
          new Error(`${SCRIPT} printed ${JSON.stringify(out.slice(0, 200))} instead of {"port":N}`),
        );
      }
    });
    spawned.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${SCRIPT}: ${error.message}`));
    });
    spawned.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${SCRIPT} exited (${signal ?? `code ${code}`}) before it was ready`));
    });
  });
  ready.then(
    (port) => log.debug(`real @changefeed/server on 127.0.0.1:${port}`),
    (error) => log.error(error.message),
  );
  spawned.stdin.on('error', () => undefined);
}

/** Ends the child: SIGTERM (it closes the notifier), SIGKILL if it has not exited within 5 s. */
function stop() {
  const spawned = child;
  child = undefined;
  if (!spawned || spawned.exitCode !== null || spawned.signalCode !== null)
    return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => spawned.kill('SIGKILL'), 5000);
    spawned.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    spawned.kill('SIGTERM');
  });
}

function framework(emitter, logger) {
  start(logger.create('changefeed-real-server'));
  emitter.on('exit', (done) => stop().then(() => done()));
  // Last resort when Karma exits without its exit event (synchronous: kill() is).
  process.once('exit', () => child?.kill('SIGKILL'));
}
framework.$inject = ['emitter', 'logger'];

/** POST /changefeed-real-server with a JSON command → forwarded to the child's POST /control. */
function middlewareFactory() {
  return (req, res, next) => {
    if (req.url !== '/changefeed-real-server') return next();
    const fail = (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`real server: ${error.message}\n`);
    };
    if (!ready) return fail(new Error('not started (is the framework in karma.conf.cjs?)'));
    ready.then((port) => {
      const upstream = http.request(
        { host: '127.0.0.1', port, path: '/control', method: 'POST', agent: false },
        (reply) => {
          res.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(res);
        },
      );
      upstream.on('error', fail);
      req.pipe(upstream);
    }, fail);
  };
}

module.exports = {
  'framework:changefeed-real-server': ['factory', framework],
  'middleware:changefeed-real-server': ['factory', middlewareFactory],
};
