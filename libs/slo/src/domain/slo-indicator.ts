import { describeValue, SloValidationError } from './errors';
import { parseSeriesSelector, selectorMetricName } from './promql-selector';

/**
 * Counter-based indicator: `total` events and either the `bad` or the `good`
 * ones, each a PromQL series selector of a counter.
 */
export type RatioIndicator =
  | { readonly kind: 'ratio'; readonly total: string; readonly bad: string; readonly good?: undefined }
  | { readonly kind: 'ratio'; readonly total: string; readonly good: string; readonly bad?: undefined };

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

export type SloIndicator = RatioIndicator | LatencyIndicator;

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
  switch (fields.kind) {
    case 'ratio':
      rejectUnknownFields(fields, ['kind', 'total', 'bad', 'good'], field);
      return validateRatioIndicator(fields, field);
    case 'latency':
      rejectUnknownFields(fields, ['kind', 'histogram', 'threshold'], field);
      return validateLatencyIndicator(fields, field);
    default:
      throw new SloValidationError(`${field}.kind`, `${field}.kind must be "ratio" or "latency", got ${describeValue(fields.kind)}`);
  }
}

function validateRatioIndicator(fields: Record<string, unknown>, field: string): RatioIndicator {
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
  parseSeriesSelector(text, field);
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
