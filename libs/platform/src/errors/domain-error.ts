/**
 * Base of every typed error a lib throws. Libs never throw HttpException: the
 * one exception filter maps `kind` to an HTTP status.
 */
export type DomainErrorKind = 'validation' | 'not_found' | 'conflict' | 'forbidden' | 'unauthorized' | 'unprocessable' | 'unavailable' | 'rate_limited';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  /** Machine-readable error code, e.g. `team_not_found`. */
  readonly code: string;
  /** The request field the error is about, when there is one. */
  readonly field?: string;
  /** Extra, safe-to-show details (e.g. a list of problems). */
  readonly details?: unknown;

  constructor(code: string, message: string, options: { field?: string; details?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.field = options.field;
    this.details = options.details;
  }
}

export class ValidationFailedError extends DomainError {
  readonly kind = 'validation' as const;
  constructor(message: string, options: { field?: string; details?: unknown; code?: string; cause?: unknown } = {}) {
    super(options.code ?? 'validation_failed', message, options);
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found' as const;
  constructor(what: string, key: string, options: { field?: string } = {}) {
    super(`${what.toLowerCase().replace(/\s+/g, '_')}_not_found`, `${what} '${key}' does not exist`, options);
  }
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
  constructor(code: string, message: string, options: { field?: string; details?: unknown } = {}) {
    super(code, message, options);
  }
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden' as const;
  constructor(message = 'This token may not act on that resource', options: { field?: string } = {}) {
    super('forbidden', message, options);
  }
}

export class UnauthorizedError extends DomainError {
  readonly kind = 'unauthorized' as const;
  constructor(message = 'A valid bearer token is required') {
    super('unauthorized', message);
  }
}

export class UnavailableError extends DomainError {
  readonly kind = 'unavailable' as const;
  constructor(code: string, message: string, options: { cause?: unknown; details?: unknown } = {}) {
    super(code, message, options);
  }
}

/** Too many requests; the caller should wait `retryAfterSeconds` (sent as Retry-After). */
export class RateLimitedError extends DomainError {
  readonly kind = 'rate_limited' as const;
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super('rate_limited', message, { details: { retryAfterSeconds } });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
