import { randomUUID } from 'node:crypto';
import { DomainError, DomainErrorKind } from './domain-error';

/** What every error response of the API carries (the status page's JSON routes too). */
export interface ErrorResponseBody {
  error: string;
  message: string;
  field?: string;
  details?: unknown;
  errorId?: string;
}

/**
 * The one mapping from a domain error's kind to an HTTP status. A new kind
 * does not compile until it has a status here.
 */
export function httpStatusOf(kind: DomainErrorKind): number {
  switch (kind) {
    case 'validation':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'unprocessable':
      return 422;
    case 'rate_limited':
      return 429;
    case 'unavailable':
      return 503;
    default: {
      const unmapped: never = kind;
      throw new TypeError(`no HTTP status for error kind ${String(unmapped)}`);
    }
  }
}

/** The error as a DomainError, or undefined when it is not one (recognised by class, never by shape). */
export function asDomainError(error: unknown): DomainError | undefined {
  return error instanceof DomainError ? error : undefined;
}

/** The `{ error, message, field?, details? }` body of a domain error. */
export function domainErrorBody(error: DomainError): ErrorResponseBody {
  const body: ErrorResponseBody = { error: error.code, message: error.message };
  if (error.field) body.field = error.field;
  if (error.details !== undefined) body.details = error.details;
  return body;
}

/** Where the 500 path writes: Nest's Logger and pino loggers both fit. */
export interface InternalErrorLogger {
  error(context: Record<string, unknown>, message: string): void;
}

/**
 * The one 500 path: an error nobody expected is logged with its cause, a fresh
 * error id and the request id (when there is one); the caller gets a generic
 * body that quotes the error id and says nothing of the cause.
 */
export function reportInternalError(
  logger: InternalErrorLogger,
  error: unknown,
  request: { readonly requestId?: string; readonly url?: string } = {},
): { status: 500; errorId: string; body: ErrorResponseBody } {
  const errorId = randomUUID();
  const where = request.url ? ` serving ${request.url}` : '';
  logger.error({ errorId, requestId: request.requestId, err: error }, `Unhandled error ${errorId}${where}`);
  return {
    status: 500,
    errorId,
    body: { error: 'internal_error', message: `Internal error; quote error id ${errorId} when reporting it`, errorId },
  };
}
