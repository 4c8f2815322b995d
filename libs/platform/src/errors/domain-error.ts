/**
 * The one error vocabulary of Ballast. Every error a lib (or an app module)
 * throws because of what a caller asked extends DomainError; the one exception
 * filter recognises them with `instanceof` and maps `kind` to an HTTP status
 * (httpStatusOf). This file is framework-free (no Nest, no HTTP types): pure
 * domain code and worker threads import it through `@app/platform/core`.
 */
export type DomainErrorKind = 'validation' | 'not_found' | 'conflict' | 'forbidden' | 'unauthorized' | 'unprocessable' | 'unavailable' | 'rate_limited';

/** Every kind, for exhaustive tests and documentation. */
export const DOMAIN_ERROR_KINDS: readonly DomainErrorKind[] = [
  'validation',
  'not_found',
  'conflict',
  'forbidden',
  'unauthorized',
  'unprocessable',
  'unavailable',
  'rate_limited',
];

export interface DomainErrorOptions {
  /** The request field the error is about, when there is one. */
  readonly field?: string;
  /** Extra, safe-to-show details (e.g. a list of problems). */
  readonly details?: unknown;
  readonly cause?: unknown;
  /** The lib or module the code belongs to (`common` for the shared classes below). */
  readonly namespace?: string;
}

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  /**
   * Machine-readable code, e.g. `team_not_found`: the `error` of the response
   * body, unchanged since the API's first version. Unique within its namespace.
   */
  readonly code: string;
  /** The lib (or app module) whose closed list of codes `code` belongs to: `slo`, `incident`, `status`, `common`, ... */
  readonly namespace: string;
  readonly field?: string;
  readonly details?: unknown;

  constructor(code: string, message: string, options: DomainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.namespace = options.namespace ?? 'common';
    this.field = options.field;
    this.details = options.details;
  }

  /** `namespace.code`, e.g. `slo.validation_failed`, `incident.invalid_transition`: what logs and metrics name. */
  get qualifiedCode(): string {
    return `${this.namespace}.${this.code}`;
  }
}

export class ValidationFailedError extends DomainError {
  readonly kind = 'validation' as const;
  constructor(message: string, options: DomainErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'validation_failed', message, options);
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found' as const;
  constructor(what: string, key: string, options: { field?: string; namespace?: string } = {}) {
    super(`${what.toLowerCase().replace(/\s+/g, '_')}_not_found`, `${what} '${key}' does not exist`, options);
  }
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
  constructor(code: string, message: string, options: DomainErrorOptions = {}) {
    super(code, message, options);
  }
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden' as const;
  constructor(message = 'This token may not act on that resource', options: { field?: string; namespace?: string } = {}) {
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
  constructor(code: string, message: string, options: DomainErrorOptions = {}) {
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
