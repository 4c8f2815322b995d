/**
 * Typed errors of the SLO domain. They carry a stable `code` and a `kind` (the
 * vocabulary of the platform's exception filter, which recognises errors by
 * these properties) so the api app maps them to HTTP without this lib knowing
 * about HTTP or importing the platform.
 */

/** Input that breaks an SLO rule: a bad window, objective, selector or indicator. */
export class SloValidationError extends Error {
  readonly kind = 'validation';
  readonly code = 'validation_failed';

  constructor(
    /** The offending input field, as a dotted path (`indicator.total`, `window`). */
    readonly field: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SloValidationError';
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
export class OpenSloImportError extends Error {
  readonly kind = 'validation';
  readonly code = 'openslo_import_rejected';
  readonly issues: readonly OpenSloImportIssue[];
  /** The issues again, under the name the exception filter puts in the response body. */
  readonly details: readonly OpenSloImportIssue[];

  constructor(issues: readonly OpenSloImportIssue[], options?: ErrorOptions) {
    super(`OpenSLO import rejected (${issues.length} problem${issues.length === 1 ? '' : 's'}): ` + issues.map(formatOpenSloImportIssue).join('; '), options);
    this.name = 'OpenSloImportError';
    this.issues = issues;
    this.details = issues;
  }
}

export function formatOpenSloImportIssue(issue: OpenSloImportIssue): string {
  const location = issue.path === '' ? `document ${issue.document}` : `document ${issue.document} ${issue.path}`;
  return `${location}: ${issue.message}`;
}

/** A Prometheus answer that cannot be turned into event counts (NaN, wrong shape). */
export class PrometheusResultError extends Error {
  readonly kind = 'unavailable';
  readonly code = 'prometheus_result_invalid';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PrometheusResultError';
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
export class PrometheusUnavailableError extends Error {
  readonly kind = 'unavailable';
  readonly code = 'prometheus_unavailable';

  constructor(
    readonly reason: PrometheusUnavailableReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PrometheusUnavailableError';
  }
}

/**
 * Prometheus answered and refused the query: `bad_data` (it does not parse, a
 * regular expression does not compile) or `execution` (it failed to run).
 */
export class PrometheusQueryError extends Error {
  readonly kind = 'unavailable';
  readonly code = 'prometheus_query_failed';

  constructor(
    /** Prometheus's `errorType`, e.g. `bad_data`, `execution`, `timeout`. */
    readonly errorType: string,
    /** Prometheus's own `error` text, unchanged. */
    readonly prometheusMessage: string,
    readonly httpStatus: number,
    options?: ErrorOptions,
  ) {
    super(`Prometheus refused the query (${errorType}): ${prometheusMessage}`, options);
    this.name = 'PrometheusQueryError';
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
export class SloNotFoundError extends Error {
  readonly kind = 'not_found';
  readonly code = 'slo_not_found';

  constructor(readonly sloId: string) {
    super(`SLO '${sloId}' does not exist`);
    this.name = 'SloNotFoundError';
  }
}

/**
 * An SLO of a team with required metric labels (teams.metricLabels, or
 * SLO_REQUIRED_TEAM_LABEL) whose selector or template does not carry one of
 * them as an equality matcher: it could read another team's series. 403
 * naming the field (`indicator.total`); `details` lists every problem (one
 * per document for an import).
 */
export class MetricLabelsRequiredError extends Error {
  readonly kind = 'forbidden';
  readonly code = 'metric_labels_required';
  constructor(
    readonly field: string,
    message: string,
    readonly details?: readonly OpenSloImportIssue[],
  ) {
    super(message);
    this.name = 'MetricLabelsRequiredError';
  }
}
