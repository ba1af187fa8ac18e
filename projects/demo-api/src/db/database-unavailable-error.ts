/**
 * The database cannot be reached (connection refused or lost, server shutting down, embedded
 * database closed). The HTTP layer answers 503 so clients retry instead of seeing a 500.
 */
export class DatabaseUnavailableError extends Error {
  readonly code = 'database_unavailable';

  constructor(cause: unknown) {
    super(`database unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'DatabaseUnavailableError';
  }
}
