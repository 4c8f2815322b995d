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
    super(
      `OpenSLO import rejected (${issues.length} problem${issues.length === 1 ? '' : 's'}): ` +
        issues.map(formatOpenSloImportIssue).join('; '),
      options,
    );
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
