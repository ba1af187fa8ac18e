/** Node socket errors that mean "no database on the other end". */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of an unreachable or going-away server: class 08 (connection exception), 57P01–57P03
 * (admin/crash shutdown, cannot connect now) and 53300 (too many connections). Constraint
 * violations and syntax errors are bugs or bad input, not outages, so they are not listed.
 */
function isOutageSqlState(code: string): boolean {
  return (
    code.startsWith('08') ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03' ||
    code === '53300'
  );
}

/** Whether `error` (from `pg` or PGlite) means the database is unreachable rather than the query wrong. */
export function isOutageError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || isOutageSqlState(code))) return true;
  // pg reports a lost connection and a pool timeout with messages only, no code.
  return /Connection terminated|connection timeout|Client has encountered a connection error|PGlite is closed|Cannot use a pool after calling end/i.test(
    error.message,
  );
}
