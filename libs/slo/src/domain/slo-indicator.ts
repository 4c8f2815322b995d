import { describeValue, SloValidationError } from './errors';
import { parseSeriesSelector, selectorMetricName } from './promql-selector';
import { validatePromqlTemplate } from './promql-template';
import { ThresholdIndicator, TimesliceBudgeting, validateThresholdIndicator, validateTimesliceBudgeting } from './timeslices';

/**
 * Counter-based indicator: `total` events and either the `bad` or the `good`
 * ones, each a PromQL series selector of a counter.
 */
export type RatioIndicator =
  | { readonly kind: 'ratio'; readonly total: string; readonly bad: string; readonly good?: undefined }
  | { readonly kind: 'ratio'; readonly total: string; readonly good: string; readonly bad?: undefined }
  | RatioTemplateIndicator;

/**
 * Ratio indicator from PromQL templates (Sloth's convention): `totalQuery` and
 * one of `badQuery`/`goodQuery`, each an expression returning a per-second
 * rate with `[{{.window}}]` as the range of its range selectors.
 */
export type RatioTemplateIndicator =
  | {
      readonly kind: 'ratio';
      readonly totalQuery: string;
      readonly badQuery: string;
      readonly goodQuery?: undefined;
      readonly total?: undefined;
      readonly bad?: undefined;
      readonly good?: undefined;
    }
  | {
      readonly kind: 'ratio';
      readonly totalQuery: string;
      readonly goodQuery: string;
      readonly badQuery?: undefined;
      readonly total?: undefined;
      readonly bad?: undefined;
      readonly good?: undefined;
    };

export function isTemplateIndicator(indicator: SloIndicator): indicator is RatioTemplateIndicator {
  return indicator.kind === 'ratio' && 'totalQuery' in indicator && indicator.totalQuery !== undefined;
}

/**
 * Histogram-based indicator: requests faster than `threshold` seconds are good.
 * `histogram` selects the `_bucket` series; `threshold` is one of its existing
 * `le` label values, written exactly as the series carry it (`"0.3"`).
 */
export interface LatencyIndicator {
  readonly kind: 'latency';
  readonly histogram: string;
  readonly threshold: string;
}

/** Ratio and latency indicators count events, or good slices with `budgeting` (timeslices.ts). */
export type SloIndicator = WithBudgeting<RatioIndicator> | WithBudgeting<LatencyIndicator> | ThresholdIndicator;

type WithBudgeting<T> = T & { readonly budgeting?: TimesliceBudgeting };

/** True when the indicator counts slices (Timeslices budgeting) rather than events. */
export function usesTimeslices(indicator: SloIndicator): boolean {
  return indicator.budgeting !== undefined;
}

// Go's strconv.ParseFloat syntax for finite decimal numbers, which is how `le` values are written.
const LE_VALUE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Checks the shape of an indicator and that every selector is a plain series
 * selector. Returns a normalised copy (trimmed selectors, threshold as a string).
 */
export function validateIndicator(input: unknown, field = 'indicator'): SloIndicator {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SloValidationError(field, `${field} must be an object, got ${describeValue(input)}`);
  }
  const fields = input as Record<string, unknown>;
  if (fields.kind === 'threshold') {
    return validateThresholdIndicator(fields, field);
  }
  const { budgeting, ...counted } = fields;
  const indicator = validateCountedIndicator(counted, field);
  if (budgeting === undefined) {
    return indicator;
  }
  return { ...indicator, budgeting: validateTimesliceBudgeting(budgeting, `${field}.budgeting`, { sliceTargetRequired: indicator.kind === 'ratio' }) };
}

function validateCountedIndicator(fields: Record<string, unknown>, field: string): RatioIndicator | LatencyIndicator {
  switch (fields.kind) {
    case 'ratio':
      if (fields.totalQuery !== undefined || fields.badQuery !== undefined || fields.goodQuery !== undefined) {
        rejectUnknownFields(fields, ['kind', 'totalQuery', 'badQuery', 'goodQuery'], field);
        return validateRatioTemplateIndicator(fields, field);
      }
      rejectUnknownFields(fields, ['kind', 'total', 'bad', 'good'], field);
      return validateRatioIndicator(fields, field);
    case 'latency':
      rejectUnknownFields(fields, ['kind', 'histogram', 'threshold'], field);
      return validateLatencyIndicator(fields, field);
    default:
      throw new SloValidationError(`${field}.kind`, `${field}.kind must be "ratio", "latency" or "threshold", got ${describeValue(fields.kind)}`);
  }
}

function validateRatioIndicator(fields: Record<string, unknown>, field: string): RatioIndicator {
  if (fields.total === undefined) {
    throw new SloValidationError(`${field}.total`, `${field}.total is required (or give totalQuery with badQuery/goodQuery templates)`);
  }
  const total = validSelectorText(fields.total, `${field}.total`);
  const hasBad = fields.bad !== undefined;
  const hasGood = fields.good !== undefined;
  if (hasBad === hasGood) {
    throw new SloValidationError(hasBad ? `${field}.good` : `${field}.bad`, `${field} needs exactly one of "bad" or "good" besides "total"`);
  }
  return hasBad
    ? { kind: 'ratio', total, bad: validSelectorText(fields.bad, `${field}.bad`) }
    : { kind: 'ratio', total, good: validSelectorText(fields.good, `${field}.good`) };
}

function validateRatioTemplateIndicator(fields: Record<string, unknown>, field: string): RatioTemplateIndicator {
  const totalQuery = validatePromqlTemplate(fields.totalQuery, `${field}.totalQuery`);
  const hasBad = fields.badQuery !== undefined;
  const hasGood = fields.goodQuery !== undefined;
  if (hasBad === hasGood) {
    throw new SloValidationError(
      hasBad ? `${field}.goodQuery` : `${field}.badQuery`,
      `${field} needs exactly one of "badQuery" or "goodQuery" besides "totalQuery"`,
    );
  }
  return hasBad
    ? { kind: 'ratio', totalQuery, badQuery: validatePromqlTemplate(fields.badQuery, `${field}.badQuery`) }
    : { kind: 'ratio', totalQuery, goodQuery: validatePromqlTemplate(fields.goodQuery, `${field}.goodQuery`) };
}

function validateLatencyIndicator(fields: Record<string, unknown>, field: string): LatencyIndicator {
  const histogram = validSelectorText(fields.histogram, `${field}.histogram`);
  const selector = parseSeriesSelector(histogram, `${field}.histogram`);
  const metricName = selectorMetricName(selector);
  if (metricName === undefined || !metricName.endsWith('_bucket')) {
    throw new SloValidationError(`${field}.histogram`, `${field}.histogram must select a histogram's "_bucket" metric, got ${describeValue(histogram)}`);
  }
  if (selector.matchers.some((matcher) => matcher.name === 'le')) {
    throw new SloValidationError(`${field}.histogram`, `${field}.histogram must not match on "le"; Ballast adds le="<threshold>" and le="+Inf" itself`);
  }
  return { kind: 'latency', histogram, threshold: validThreshold(fields.threshold, `${field}.threshold`) };
}

function validSelectorText(value: unknown, field: string): string {
  const text = typeof value === 'string' ? value.trim() : value;
  const selector = parseSeriesSelector(text, field);
  // A selector without a metric name (e.g. {__name__=~".+"}) makes Prometheus read every series of every team.
  if (selectorMetricName(selector) === undefined) {
    throw new SloValidationError(field, `${field} must name a metric (a bare name or __name__="..."), got ${describeValue(text)}`);
  }
  return text as string;
}

function validThreshold(value: unknown, field: string): string {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return String(value);
  }
  if (typeof value === 'string' && LE_VALUE.test(value.trim())) {
    return value.trim();
  }
  throw new SloValidationError(field, `${field} must be a finite number of seconds equal to an existing "le" bucket bound, got ${describeValue(value)}`);
}

function rejectUnknownFields(fields: Record<string, unknown>, known: readonly string[], field: string): void {
  const unknown = Object.keys(fields).find((key) => !known.includes(key) && fields[key] !== undefined);
  if (unknown !== undefined) {
    throw new SloValidationError(`${field}.${unknown}`, `${field}.${unknown} is not a field of a ${String(fields.kind)} indicator`);
  }
}
