/** SQLSTATE 23503: a row points at a container that is gone, or a container still has forums. */
export function isForeignKeyViolation(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === '23503';
}
