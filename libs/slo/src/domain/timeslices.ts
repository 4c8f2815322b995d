import { parser } from '@prometheus-io/lezer-promql';
import { describeValue, SloValidationError } from './errors';
import { expandTemplate, isPromqlTemplate, MAX_TEMPLATE_LENGTH, validatePromqlTemplate } from './promql-template';
import { formatPromqlDuration, parseWindow } from './slo-window';

/*
 * Timeslices budgeting (OpenSLO `budgetingMethod: Timeslices`)
 * ------------------------------------------------------------
 * The window is cut into slices of `slice` (1m, 5m…, aligned on the epoch) and
 * each slice is good or bad; SLI = good slices / slices, and the error budget,
 * burn rates and alert tiers are those of the events "a slice" (a slice is one
 * event). A slice without data (no sample of the threshold metric, no traffic
 * for a ratio) is not counted at all, as zero traffic is not counted elsewhere.
 *
 * A slice ending at t is good when:
 * - threshold indicator (`query` `op` `value`): the share of the metric's
 *   points in (t - slice, t] (read at a 1-minute resolution) that meet the
 *   threshold is at least `sliceTarget` (default 1: every point). With the
 *   default this is max_over_time(query) < value for `lt` (min_over_time for
 *   `gt`): a slice is good only when the metric met the threshold throughout,
 *   never on average — an average would hide a 10-second spike in a quiet
 *   minute. Written as avg_over_time((query < bool value)[slice:1m]) >= target,
 *   which gives both the default and any sliceTarget below 1.
 * - ratio or latency indicator: the slice's good/total events (increase() over
 *   the slice) are at least `sliceTarget` (OpenSLO's ratio-timeslices).
 * Several series of the metric are several slices per slice period.
 *
 * The counts are Prometheus subqueries over the slice instants in a range:
 * `count_over_time((good)[r - 1s:slice])` counts the slices ending in
 * (t - r, t] (the 1 s keeps the slice ending exactly at t - r out under both
 * Prometheus 2's closed and 3's left-open ranges), so 5-minute buckets, window
 * sums and burn rates work exactly as for counters.
 */

export const TIMESLICE_OPERATORS = ['lt', 'lte', 'gt', 'gte'] as const;
export type TimesliceOperator = (typeof TIMESLICE_OPERATORS)[number];

const PROMQL_OPERATOR: Record<TimesliceOperator, string> = { lt: '<', lte: '<=', gt: '>', gte: '>=' };

/** Resolution at which a threshold metric's points are read within a slice. */
export const THRESHOLD_RESOLUTION_SECONDS = 60;

export interface TimesliceBudgeting {
  readonly method: 'timeslices';
  /** Slice length, whole minutes (`1m`, `5m`, `1h`). */
  readonly slice: string;
  /** Share of good points (threshold) or good events (ratio) that makes a slice good. */
  readonly sliceTarget?: number;
}

/** A gauge compared with a threshold in every slice. */
export interface ThresholdIndicator {
  readonly kind: 'threshold';
  /** A PromQL expression returning an instant vector; `[{{.window}}]` in it becomes the slice. */
  readonly query: string;
  readonly op: TimesliceOperator;
  readonly value: number;
  readonly budgeting: TimesliceBudgeting;
}

const SLICE = /^([1-9]\d{0,4})(m|h)$/;
const TIMESLICE_PREFIX = 'ballast-timeslices:';

/** Seconds of a slice (`1m`, `5m`, `1h`): whole minutes or hours. */
export function sliceSeconds(slice: string): number {
  const match = SLICE.exec(slice);
  if (!match) throw new RangeError(`not a slice: ${slice}`);
  return Number(match[1]) * (match[2] === 'm' ? 60 : 3600);
}

export function validateTimesliceBudgeting(input: unknown, field: string, options: { readonly sliceTargetRequired: boolean }): TimesliceBudgeting {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SloValidationError(field, input === undefined ? `${field} is required` : `${field} must be an object, got ${describeValue(input)}`);
  }
  const fields = input as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !['method', 'slice', 'sliceTarget'].includes(key) && fields[key] !== undefined);
  if (unknown !== undefined) throw new SloValidationError(`${field}.${unknown}`, `${field}.${unknown} is not a field of budgeting`);
  if (fields.method !== 'timeslices') {
    throw new SloValidationError(`${field}.method`, `${field}.method must be "timeslices", got ${describeValue(fields.method)}`);
  }
  if (typeof fields.slice !== 'string' || !SLICE.exec(fields.slice)) {
    throw new SloValidationError(
      `${field}.slice`,
      fields.slice === undefined
        ? `${field}.slice is required`
        : `${field}.slice must be whole minutes or hours (1m, 5m, 1h), got ${describeValue(fields.slice)}`,
    );
  }
  if (sliceSeconds(fields.slice) > 7 * 86_400) {
    throw new SloValidationError(`${field}.slice`, `${field}.slice may be at most 7 days (168h), got ${fields.slice}`);
  }
  if (fields.sliceTarget === undefined) {
    if (options.sliceTargetRequired) throw new SloValidationError(`${field}.sliceTarget`, `${field}.sliceTarget is required for a ratio indicator`);
    return { method: 'timeslices', slice: fields.slice, sliceTarget: 1 };
  }
  if (typeof fields.sliceTarget !== 'number' || !Number.isFinite(fields.sliceTarget) || fields.sliceTarget <= 0 || fields.sliceTarget > 1) {
    throw new SloValidationError(`${field}.sliceTarget`, `${field}.sliceTarget must be a number in (0, 1], got ${describeValue(fields.sliceTarget)}`);
  }
  return { method: 'timeslices', slice: fields.slice, sliceTarget: fields.sliceTarget };
}

export function validateThresholdIndicator(fields: Record<string, unknown>, field: string): ThresholdIndicator {
  const unknown = Object.keys(fields).find((key) => !['kind', 'query', 'op', 'value', 'budgeting'].includes(key) && fields[key] !== undefined);
  if (unknown !== undefined) throw new SloValidationError(`${field}.${unknown}`, `${field}.${unknown} is not a field of a threshold indicator`);
  const query = validateThresholdQuery(fields.query, `${field}.query`);
  if (typeof fields.op !== 'string' || !(TIMESLICE_OPERATORS as readonly string[]).includes(fields.op)) {
    throw new SloValidationError(
      `${field}.op`,
      fields.op === undefined ? `${field}.op is required (lt, lte, gt or gte)` : `${field}.op must be one of lt, lte, gt, gte, got ${describeValue(fields.op)}`,
    );
  }
  if (typeof fields.value !== 'number' || !Number.isFinite(fields.value)) {
    throw new SloValidationError(
      `${field}.value`,
      fields.value === undefined ? `${field}.value is required` : `${field}.value must be a finite number, got ${describeValue(fields.value)}`,
    );
  }
  const budgeting = validateTimesliceBudgeting(fields.budgeting, `${field}.budgeting`, { sliceTargetRequired: false });
  return { kind: 'threshold', query, op: fields.op as TimesliceOperator, value: fields.value, budgeting };
}

/** A PromQL expression returning an instant vector; a template (`[{{.window}}]`) is checked as one. */
function validateThresholdQuery(value: unknown, field: string): string {
  if (typeof value === 'string' && isPromqlTemplate(value)) return validatePromqlTemplate(value, field);
  if (typeof value !== 'string' || value.trim() === '') {
    throw new SloValidationError(field, value === undefined ? `${field} is required` : `${field} must be a PromQL expression, got ${describeValue(value)}`);
  }
  const query = value.trim();
  if (query.length > MAX_TEMPLATE_LENGTH) throw new SloValidationError(field, `${field} is longer than ${MAX_TEMPLATE_LENGTH} characters`);
  if (query.includes('{{')) throw new SloValidationError(field, `${field} may only contain {{.window}}, written as a range [{{.window}}]`);
  let error: number | undefined;
  let timed = false;
  parser.parse(query).iterate({
    enter: (node) => {
      if (node.type.isError && error === undefined) error = node.from;
      if (node.name === 'OffsetExpr' || node.name === 'At') timed = true;
      return error === undefined;
    },
  });
  if (error !== undefined) {
    throw new SloValidationError(
      field,
      `${field} is not valid PromQL: syntax error at column ${error + 1} (near ${describeValue(query.slice(error, error + 20))})`,
    );
  }
  if (timed) throw new SloValidationError(field, `${field} must not use "offset" or "@"; Ballast chooses the evaluation time of each slice`);
  return query;
}

/**
 * Checks a slice against the SLO window: a slice longer than the window could
 * never end inside it.
 */
export function checkSliceFitsWindow(budgeting: TimesliceBudgeting | undefined, windowSeconds: number, field: string): void {
  if (budgeting !== undefined && sliceSeconds(budgeting.slice) > windowSeconds) {
    throw new SloValidationError(`${field}.slice`, `${field}.slice ${budgeting.slice} is longer than the SLO window`);
  }
}

/** The indicator, once its slice (if any) is checked against the SLO window (`Nd`). */
export function sliceWithinWindow<T extends { readonly budgeting?: TimesliceBudgeting }>(indicator: T, window: string): T {
  checkSliceFitsWindow(indicator.budgeting, parseWindow(window).seconds, 'indicator.budgeting');
  return indicator;
}

/** PromQL that is 1 for a good slice ending at the evaluation time, 0 for a bad one, absent without data. */
export function thresholdSliceGood(indicator: ThresholdIndicator): string {
  const slice = sliceSeconds(indicator.budgeting.slice);
  const query = isPromqlTemplate(indicator.query) ? expandTemplate(indicator.query, slice) : indicator.query;
  const inner = Math.max(1, slice - 1);
  const points = `avg_over_time(((${query}) ${PROMQL_OPERATOR[indicator.op]} bool ${indicator.value})[${formatPromqlDuration(inner)}:${formatPromqlDuration(THRESHOLD_RESOLUTION_SECONDS)}])`;
  return `(${points} >= bool ${indicator.budgeting.sliceTarget ?? 1})`;
}

/** The same for a ratio: `goodShare` is PromQL of good/total events over one slice (NaN without traffic). */
export function ratioSliceGood(goodShare: string, budgeting: TimesliceBudgeting): string {
  return `((${goodShare} >= 0) >= bool ${budgeting.sliceTarget ?? 1})`;
}

/** The `total`/`bad` "counters" of a timeslices indicator, read by timesliceCountQuery. */
export function timesliceCounters(sliceGood: string, slice: string): { total: string; bad: string } {
  const encode = (count: 'total' | 'bad') => `${TIMESLICE_PREFIX}${JSON.stringify({ count, slice: sliceSeconds(slice), good: sliceGood })}`;
  return { total: encode('total'), bad: encode('bad') };
}

export function isTimesliceCounter(selector: string): boolean {
  return selector.startsWith(TIMESLICE_PREFIX);
}

/** Slices (all, or bad ones) ending in (t - o - r, t - o]: what increase() is for counters. */
export function timesliceCountQuery(counter: string, rangeSeconds: number, offsetSeconds = 0): string {
  const { count, slice, good } = JSON.parse(counter.slice(TIMESLICE_PREFIX.length)) as { count: 'total' | 'bad'; slice: number; good: string };
  const offset = offsetSeconds > 0 ? ` offset ${formatPromqlDuration(offsetSeconds)}` : '';
  const slices = count === 'bad' ? `(${good} == 0)` : good;
  return `sum(count_over_time(${slices}[${formatPromqlDuration(Math.max(1, rangeSeconds - 1))}:${formatPromqlDuration(slice)}]${offset}))`;
}

/** The slice expression itself (what the selector check asks Prometheus). */
export function timesliceGoodExpression(counter: string): string {
  return (JSON.parse(counter.slice(TIMESLICE_PREFIX.length)) as { good: string }).good;
}
