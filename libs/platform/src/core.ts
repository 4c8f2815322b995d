// Framework-free entry of @app/platform (no Nest, no prom-client, no pino), for code that runs outside the
// Nest app, such as the status page's snapshot worker thread. Listed by name.

export { isDatabaseUnavailable } from './errors/database-unavailable';
export {
  ConflictError,
  DOMAIN_ERROR_KINDS,
  DomainError,
  type DomainErrorKind,
  type DomainErrorOptions,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  UnavailableError,
  ValidationFailedError,
} from './errors/domain-error';
export { domainErrorBody, type ErrorResponseBody, httpStatusOf, type InternalErrorLogger, reportInternalError } from './errors/error-response';
