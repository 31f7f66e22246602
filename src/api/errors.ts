// Every HTTP error meshlog's API returns, with a stable code clients can match on.
// Bodies are always `{ "error": { "code": "...", "message": "..." } }`.

export const API_ERRORS = {
  /** No route for this method and path. */
  NOT_FOUND: { status: 404, message: 'no such endpoint' },
  /** The replica has no snapshot yet (still starting, or no valid config so far). */
  NOT_READY: { status: 503, message: 'no snapshot has been loaded yet' },
  /** The request itself is malformed (bad JSON, bad query). */
  BAD_REQUEST: { status: 400, message: 'bad request' },
  /** An unexpected server-side failure (a bug); details are in the server log. */
  INTERNAL: { status: 500, message: 'internal error' },
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

export interface ApiErrorBody {
  readonly error: { readonly code: ApiErrorCode; readonly message: string };
}

export function apiError(code: ApiErrorCode, message: string = API_ERRORS[code].message): { status: number; body: ApiErrorBody } {
  return { status: API_ERRORS[code].status, body: { error: { code, message } } };
}
