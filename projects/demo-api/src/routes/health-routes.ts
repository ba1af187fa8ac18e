import type { Database } from '../db/database';
import type { Router } from '../http/router';

/** `GET /api/health`: 200 when the database answers, 503 (from the error mapping) when it does not. */
export function addHealthRoutes(router: Router, db: Database): void {
  router.add('GET', '/api/health', async () => {
    await db.query('select 1');
    return { status: 200, body: { status: 'ok', database: db.kind } };
  });
}
