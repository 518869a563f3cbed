/**
 * The one error the Worker's own routes throw, and the JSON answers it becomes.
 *
 * @module
 */

/** Options for {@link HttpError}. */
export interface HttpErrorOptions {
  /** Extra response headers, such as `WWW-Authenticate` on a 401. */
  headers?: HeadersInit;
  /** What went wrong underneath, kept for logs; never sent to the client. */
  cause?: unknown;
}

/**
 * A request the Worker refuses: the status and a stable UPPER_SNAKE code, answered as `{ code, message }`.
 *
 * @example
 * ```ts
 * throw new HttpError(400, "BODY_NOT_JSON", "The request body is not valid JSON.");
 * ```
 */
export class HttpError extends Error {
  override readonly name = "HttpError";
  readonly status: number;
  readonly code: string;
  readonly headers: HeadersInit | undefined;

  constructor(status: number, code: string, message: string, options: HttpErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.status = status;
    this.code = code;
    this.headers = options.headers;
  }
}

/**
 * The JSON response for an {@link HttpError}.
 *
 * @example
 * ```ts
 * if (error instanceof HttpError) return errorResponse(error);
 * ```
 */
export function errorResponse(error: HttpError): Response {
  return Response.json({ code: error.code, message: error.message }, { status: error.status, headers: error.headers });
}
