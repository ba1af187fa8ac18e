import { HttpErrorResponse } from '@angular/common/http';

/** A sentence for the user from a failed request: the API's own message when it sent one. */
export function errorMessage(error: unknown): string {
  if (error instanceof HttpErrorResponse) {
    if (error.status === 0)
      return 'The server cannot be reached. Retrying when the connection is back.';
    const message = (error.error as { error?: { message?: unknown } } | null)?.error?.message;
    if (typeof message === 'string') return message;
    return `The server answered ${error.status} ${error.statusText}.`;
  }
  return error instanceof Error ? error.message : String(error);
}
