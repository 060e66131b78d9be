/**
 * Reading failures of Kubernetes API calls. client-node 1.x throws `ApiException` with the HTTP status in
 * `code` and the response body (a `Status` object, or its JSON text) in `body`; its watch reports
 * `statusCode`. Callers decide from the status code, and show people the Status `message`.
 */

/** The HTTP status of a failed API call, when the failure came from the API server. */
export function statusCodeOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; statusCode?: unknown };
  if (typeof e.code === 'number') return e.code;
  if (typeof e.statusCode === 'number') return e.statusCode;
  return undefined;
}

export function isNotFound(err: unknown): boolean {
  return statusCodeOf(err) === 404;
}

/** 409: a resourceVersion precondition failed, or the object already exists. */
export function isConflict(err: unknown): boolean {
  return statusCodeOf(err) === 409;
}

/** Any failure as one line of text: its message, or the thrown value itself. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Messages shown in conditions and logs stay this short. */
const MESSAGE_CHARS_MAX = 1000;

/** The API server's explanation (the Status message) or the error's own message, one line, bounded. */
export function describeApiError(err: unknown): string {
  let message: string | undefined;
  if (typeof err === 'object' && err !== null) {
    let body = (err as { body?: unknown }).body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        message = body as string;
      }
    }
    if (
      typeof body === 'object' &&
      body !== null &&
      typeof (body as { message?: unknown }).message === 'string'
    ) {
      message = (body as { message: string }).message;
    }
  }
  if (message === undefined || message === '') message = err instanceof Error ? err.message : String(err);
  const code = statusCodeOf(err);
  const line = (code === undefined ? message : `${code}: ${message}`).replace(/\s+/g, ' ').trim();
  return line.length > MESSAGE_CHARS_MAX ? `${line.slice(0, MESSAGE_CHARS_MAX - 3)}...` : line;
}
