import { DomainErrorKind } from './domain-error';

export interface ErrorResponseBody {
  error: string;
  message: string;
  field?: string;
  details?: unknown;
  errorId?: string;
}

export const STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  unavailable: 503,
  rate_limited: 429,
};

/**
 * Duck-typed recognition of domain errors so that pure libs (which must not
 * import platform code) can throw their own error classes: anything with a
 * string `code`, a message and either a known `kind` or a `field` counts.
 */
export function asDomainError(error: unknown): { kind: DomainErrorKind; code: string; message: string; field?: string; details?: unknown } | undefined {
  if (!(error instanceof Error)) return undefined;
  const candidate = error as Error & { kind?: unknown; code?: unknown; field?: unknown; details?: unknown };
  if (typeof candidate.code !== 'string') return undefined;
  const kind =
    typeof candidate.kind === 'string' && candidate.kind in STATUS_BY_KIND
      ? (candidate.kind as DomainErrorKind)
      : typeof candidate.field === 'string'
        ? 'validation'
        : undefined;
  if (!kind) return undefined;
  return {
    kind,
    code: candidate.code,
    message: candidate.message,
    field: typeof candidate.field === 'string' ? candidate.field : undefined,
    details: candidate.details,
  };
}
