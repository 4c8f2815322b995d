import { DomainError, type DomainErrorOptions } from '@app/platform/core';

/**
 * Typed errors of the SLO domain: DomainErrors (the framework-free base of
 * @app/platform/core) with a code from this lib's closed list and a `kind`,
 * which the one exception filter maps to HTTP; this lib knows nothing of HTTP.
 */
export type SloErrorCode =
  | 'validation_failed'
  | 'openslo_import_rejected'
  | 'prometheus_result_invalid'
  | 'prometheus_unavailable'
  | 'prometheus_query_failed'
  | 'slo_not_found'
  | 'metric_labels_required';

/** Base of the SLO lib's errors: namespace `slo`. */
export abstract class SloError extends DomainError {
  declare readonly code: SloErrorCode;

  protected constructor(code: SloErrorCode, message: string, options: Omit<DomainErrorOptions, 'namespace'> = {}) {
    super(code, message, { ...options, namespace: 'slo' });
  }
}

/** Input that breaks an SLO rule: a bad window, objective, selector or indicator. */
export class SloValidationError extends SloError {
  readonly kind = 'validation' as const;
  /** The offending input field, as a dotted path (`indicator.total`, `window`). */
  declare readonly field: string;

  constructor(field: string, message: string, options?: ErrorOptions) {
    super('validation_failed', message, { field, cause: options?.cause });
  }
}

export interface OpenSloImportIssue {
  /** 0-based index of the YAML document in the imported file. */
  readonly document: number;
  /** Path inside that document, e.g. `spec.timeWindow[0].isRolling`. */
  readonly path: string;
  readonly message: string;
}

/**
 * An OpenSLO file that cannot be imported as a whole. Lists every problem found,
 * so the user fixes the file in one round trip; nothing of the file is imported.
 */
export class OpenSloImportError extends SloError {
  readonly kind = 'validation' as const;
  readonly issues: readonly OpenSloImportIssue[];
  /** The issues again, under the name the exception filter puts in the response body. */
  declare readonly details: readonly OpenSloImportIssue[];

  constructor(issues: readonly OpenSloImportIssue[], options?: ErrorOptions) {
    super(
      'openslo_import_rejected',
      `OpenSLO import rejected (${issues.length} problem${issues.length === 1 ? '' : 's'}): ` + issues.map(formatOpenSloImportIssue).join('; '),
      { details: issues, cause: options?.cause },
    );
    this.issues = issues;
  }
}

export function formatOpenSloImportIssue(issue: OpenSloImportIssue): string {
  const location = issue.path === '' ? `document ${issue.document}` : `document ${issue.document} ${issue.path}`;
  return `${location}: ${issue.message}`;
}

/** A Prometheus answer that cannot be turned into event counts (NaN, wrong shape). */
export class PrometheusResultError extends SloError {
  readonly kind = 'unavailable' as const;

  constructor(message: string, options?: ErrorOptions) {
    super('prometheus_result_invalid', message, { cause: options?.cause });
  }
}

/** A short, safe rendering of a rejected input value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  return Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}

/** Why Prometheus could not answer at all. */
export type PrometheusUnavailableReason = 'unreachable' | 'timeout' | 'http_error' | 'bad_response';

/** Prometheus did not answer (down, slow, a proxy error, not a Prometheus API). */
export class PrometheusUnavailableError extends SloError {
  readonly kind = 'unavailable' as const;

  constructor(
    readonly reason: PrometheusUnavailableReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super('prometheus_unavailable', message, { cause: options?.cause });
  }
}

/**
 * Prometheus answered and refused the query: `bad_data` (it does not parse, a
 * regular expression does not compile) or `execution` (it failed to run).
 */
export class PrometheusQueryError extends SloError {
  readonly kind = 'unavailable' as const;

  constructor(
    /** Prometheus's `errorType`, e.g. `bad_data`, `execution`, `timeout`. */
    readonly errorType: string,
    /** Prometheus's own `error` text, unchanged. */
    readonly prometheusMessage: string,
    readonly httpStatus: number,
    options?: ErrorOptions,
  ) {
    super('prometheus_query_failed', `Prometheus refused the query (${errorType}): ${prometheusMessage}`, { cause: options?.cause });
  }

  /** The query itself is wrong, as opposed to Prometheus failing to run it. */
  get isInvalidQuery(): boolean {
    return this.errorType === 'bad_data';
  }
}

/** Any way a Prometheus request can fail; an evaluation turns it into `error`/`stale`. */
export function isPrometheusFailure(error: unknown): error is PrometheusUnavailableError | PrometheusQueryError | PrometheusResultError {
  return error instanceof PrometheusUnavailableError || error instanceof PrometheusQueryError || error instanceof PrometheusResultError;
}

/** An SLO that does not exist (or no longer does). */
export class SloNotFoundError extends SloError {
  readonly kind = 'not_found' as const;

  constructor(readonly sloId: string) {
    super('slo_not_found', `SLO '${sloId}' does not exist`);
  }
}

/**
 * An SLO of a team with required metric labels (teams.metricLabels, or
 * SLO_REQUIRED_TEAM_LABEL) whose selector or template does not carry one of
 * them as an equality matcher: it could read another team's series. 403
 * naming the field (`indicator.total`); `details` lists every problem (one
 * per document for an import).
 */
export class MetricLabelsRequiredError extends SloError {
  readonly kind = 'forbidden' as const;
  declare readonly field: string;
  declare readonly details?: readonly OpenSloImportIssue[];

  constructor(field: string, message: string, details?: readonly OpenSloImportIssue[]) {
    super('metric_labels_required', message, { field, details });
  }
}
