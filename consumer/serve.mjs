// The consumer app's server, run with plain `node` from the app's folder, so every import is the
// packed @changefeed/server (and the pg) installed there as a user would: the built app,
// GET /api/forums from the run's own table, the WebSocket at /ws and /metrics (read by the test
// to know when the page's subscription is live). Prints `listening on <port>` once ready.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { extname, join, normalize } from 'node:path';
import pg from 'pg';
import { createNotifier, installNotifyTrigger, postgresSource } from '@changefeed/server';

const {
  DATABASE_URL: connectionString,
  TABLE: table,
  CHANNEL: channel,
  STATIC_DIR: root,
  PORT,
} = process.env;
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ico': 'image/x-icon',
};

const pool = new pg.Pool({ connectionString });
await installNotifyTrigger(pool, { table, collection: 'forums', channel });

async function serveFile(url, res) {
  const path = normalize(decodeURIComponent(new URL(url, 'http://x').pathname));
  const file = join(root, path === '/' ? 'index.html' : path);
  try {
    const body = await readFile(file.startsWith(root) ? file : join(root, 'index.html'));
    res
      .writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
      .end(body);
  } catch {
    res.writeHead(404).end();
  }
}

const server = http.createServer(async (req, res) => {
  if (notifier.handleRequest(req, res)) return;
  if (req.url === '/api/forums') {
    try {
      const { rows } = await pool.query(`select id, name from ${table} order by id`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows));
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    }
    return;
  }
  await serveFile(req.url, res);
});
const notifier = createNotifier({
  server,
  metricsPath: '/metrics',
  sources: [postgresSource({ connectionString, channel })],
});
server.listen(Number(PORT), '127.0.0.1', async () => {
  await notifier.ready;
  console.log(`listening on ${server.address().port}`);
});
