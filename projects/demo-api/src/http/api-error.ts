/** Machine-readable error codes of the demo API; every error body carries one. */
export type ApiErrorCode =
  | 'invalid_target'
  | 'invalid_json'
  | 'invalid_field'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'not_found'
  | 'method_not_allowed'
  | 'container_not_empty'
  | 'database_unavailable'
  | 'internal';

/**
 * An error with its HTTP answer. Thrown anywhere below a route and turned into
 * `{"error": {"code", "message", "field"?}}` by the request handler.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    /** The request field at fault (body field, query parameter or `id` from the path). */
    readonly field?: string,
    /** Extra members of the error body, e.g. `forumCount` for `container_not_empty`. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static invalidField(field: string, message: string): ApiError {
    return new ApiError(400, 'invalid_field', `${field}: ${message}`, field);
  }

  static notFound(what: string): ApiError {
    return new ApiError(404, 'not_found', `${what} not found`);
  }

  toJSON(): { error: Record<string, unknown> } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.field === undefined ? {} : { field: this.field }),
        ...this.details,
      },
    };
  }
}
