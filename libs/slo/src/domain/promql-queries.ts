import { PrometheusResultError } from './errors';
import { EVENT_BUCKET_SECONDS, EventBucket } from './event-buckets';
import { formatSeriesSelector, parseSeriesSelector, quotePromqlString, withLabelMatchers } from './promql-selector';
import { EventCounts } from './slo-math';
import { isTemplateIndicator, SloIndicator } from './slo-indicator';
import { isPromqlTemplate, templateIncreaseQuery } from './promql-template';
import { formatPromqlDuration, StatusWindowKey, statusWindowSeconds } from './slo-window';
import { isTimesliceCounter, ratioSliceGood, sliceSeconds, thresholdSliceGood, timesliceCounters, timesliceCountQuery } from './timeslices';

/*
 * How Ballast counts events with PromQL
 * -------------------------------------
 * Every count is `sum(increase(<counter selector>[<range>]))`: increase() undoes
 * counter resets per series before the sum, and summing the increases (never
 * averaging ratios) keeps the result event-weighted across series.
 *
 * increase() extrapolates: it takes the samples inside the range and, when the
 * first/last sample is not on the range boundary, stretches their difference to
 * the boundary. Prometheus 2.x selects samples in the closed range [t - r, t], so
 * when samples lie on the boundaries (scrape timestamps on the minute grid and an
 * evaluation time on that grid) the result is exactly v(t) - v(t - r) plus the
 * values lost at resets: the events in (t - r, t]. With real, unaligned scrapes
 * the result is an estimate whose error is at most the events of one scrape
 * interval at each edge. (Prometheus 3 selects left-open ranges (t - r, t]: the
 * boundary sample is left out and the edge is extrapolated even on the grid, so
 * there the counts are estimates too.)
 *
 * Buckets. A range query of `sum(increase(sel[5m]))` with step 5m and evaluation
 * times on the 5-minute grid (multiples of 300 s since the epoch) yields, at each
 * time t, the events of (t - 5m, t]. These intervals tile the timeline without
 * overlap or gap, so the sum of the buckets inside a window equals the raw
 * increase over that window (exactly, for aligned samples; each bucket's
 * extrapolation estimates the part of the inter-sample gap on its side of the
 * boundary otherwise). The backfill reads each raw sample once; after that an
 * evaluation only asks for the last few buckets, and 28-30 day windows are sums
 * of stored buckets, not 30-day scans. Events are lost only where Prometheus has
 * no sample for longer than a bucket (it was down); they are then missing from
 * both bad and total.
 *
 * Each query asks for total and bad (or good) at once, tagged by label_replace(),
 * so one request answers one set of windows.
 */

/** Label added to each answered series: which counter it counts. */
export const COUNTER_LABEL = 'ballast_counter';
/** Label added to each answered series of a window query: which window it covers. */
export const WINDOW_LABEL = 'ballast_window';

/** Most points per range query; Prometheus refuses more than 11,000 per series. */
export const MAX_POINTS_PER_RANGE_QUERY = 10_000;

export type EventCounter = 'total' | 'bad' | 'good';

/** Canonical counter selectors of an indicator; exactly one of `bad`/`good` is set. */
export interface IndicatorCounters {
  readonly total: string;
  readonly bad?: string;
  readonly good?: string;
}

/** A sample of a Prometheus instant-query vector result, as the HTTP API returns it. */
export interface PrometheusVectorSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: readonly [number, string];
}

/** A series of a Prometheus range-query matrix result, as the HTTP API returns it. */
export interface PrometheusMatrixSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: ReadonlyArray<readonly [number, string]>;
}

/** One `query_range` call: evaluation times start, start+step, ..., end. */
export interface BucketRangeQuery {
  readonly query: string;
  readonly start: Date;
  readonly end: Date;
  readonly stepSeconds: number;
}

/**
 * Counter selectors of an indicator. For latency the good events are the
 * `le="<threshold>"` bucket and the total the `le="+Inf"` bucket; the `le`
 * matcher is added structurally so no value can escape its quotes.
 */
export function indicatorCounters(indicator: SloIndicator): IndicatorCounters {
  if (indicator.kind === 'threshold') {
    return timesliceCounters(thresholdSliceGood(indicator), indicator.budgeting.slice);
  }
  if (indicator.budgeting !== undefined) {
    const { budgeting, ...counted } = indicator;
    return timesliceCounters(ratioSliceGood(sliceGoodShare(indicatorCounters(counted), sliceSeconds(budgeting.slice)), budgeting), budgeting.slice);
  }
  if (indicator.kind === 'latency') {
    const histogram = parseSeriesSelector(indicator.histogram, 'indicator.histogram');
    return {
      total: withLabelMatchers(histogram, [{ name: 'le', operator: '=', value: '+Inf' }]),
      good: withLabelMatchers(histogram, [leMatcher(indicator.threshold)]),
    };
  }
  if (isTemplateIndicator(indicator)) {
    return indicator.badQuery !== undefined
      ? { total: indicator.totalQuery, bad: indicator.badQuery }
      : { total: indicator.totalQuery, good: indicator.goodQuery };
  }
  const canonical = (text: string, field: string): string => formatSeriesSelector(parseSeriesSelector(text, field));
  return indicator.bad !== undefined
    ? { total: canonical(indicator.total, 'indicator.total'), bad: canonical(indicator.bad, 'indicator.bad') }
    : { total: canonical(indicator.total as string, 'indicator.total'), good: canonical(indicator.good as string, 'indicator.good') };
}

/**
 * Spellings of one `le` bound: Prometheus 3 normalises classic histogram bounds
 * to floats (`le="1"` becomes `le="1.0"`), so a threshold written either way
 * matches the series of both Prometheus versions (only one exists at a time).
 */
export function leSpellings(threshold: string): string[] {
  const value = Number(threshold);
  if (!Number.isFinite(value)) {
    return [threshold];
  }
  const spellings = new Set([threshold, String(value)]);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) {
    spellings.add(`${value}.0`);
  }
  return [...spellings];
}

function leMatcher(threshold: string): { name: string; operator: '=' | '=~'; value: string } {
  const spellings = leSpellings(threshold);
  return spellings.length === 1
    ? { name: 'le', operator: '=', value: threshold }
    : { name: 'le', operator: '=~', value: spellings.map((spelling) => spelling.replace(/[.+]/g, (char) => `\\${char}`)).join('|') };
}

/** `sum(increase(<selector>[<range>]))`: events in (t - range, t], counter resets handled. */
export function increaseQuery(selector: string, rangeSeconds: number): string {
  if (isTimesliceCounter(selector)) {
    return timesliceCountQuery(selector, rangeSeconds);
  }
  if (isPromqlTemplate(selector)) {
    return templateIncreaseQuery(selector, rangeSeconds);
  }
  return `sum(increase(${selector}[${formatPromqlDuration(rangeSeconds)}]))`;
}

/** Share of good events over one slice: good/total or 1 - bad/total (NaN without traffic). */
function sliceGoodShare(counters: IndicatorCounters, sliceSeconds: number): string {
  const total = increaseQuery(counters.total, sliceSeconds);
  return counters.bad !== undefined
    ? `(1 - ${increaseQuery(counters.bad, sliceSeconds)} / ${total})`
    : `(${increaseQuery(counters.good as string, sliceSeconds)} / ${total})`;
}

/**
 * One instant query answering total and bad/good for each window, every series
 * tagged with `ballast_window` and `ballast_counter`. Evaluate it with an explicit
 * `time=`; read the answer with `readWindowEvents`.
 */
export function buildWindowEventsQuery(indicator: SloIndicator, windows: readonly StatusWindowKey[]): string {
  if (windows.length === 0) {
    throw new RangeError('buildWindowEventsQuery needs at least one window');
  }
  const counters = counterEntries(indicatorCounters(indicator));
  return windows
    .flatMap((window) =>
      counters.map(([counter, selector]) => tagged(tagged(increaseQuery(selector, statusWindowSeconds(window)), COUNTER_LABEL, counter), WINDOW_LABEL, window)),
    )
    .join(' or ');
}

/**
 * Event counts per requested window from the answer of `buildWindowEventsQuery`.
 * A counter without series counts 0 (no series: no events seen); a window whose
 * total is 0 thus reads as "no data" downstream.
 */
export function readWindowEvents(
  indicator: SloIndicator,
  windows: readonly StatusWindowKey[],
  result: readonly PrometheusVectorSample[],
): Map<StatusWindowKey, EventCounts> {
  const values = new Map<string, number>();
  for (const sample of result) {
    const key = `${sample.metric[WINDOW_LABEL]}/${sample.metric[COUNTER_LABEL]}`;
    if (values.has(key)) {
      throw new PrometheusResultError(`Prometheus answered twice for window/counter ${key}`);
    }
    values.set(key, parseIncrease(sample.value[1], key));
  }
  const counters = indicatorCounters(indicator);
  const counts = new Map<StatusWindowKey, EventCounts>();
  for (const window of windows) {
    counts.set(
      window,
      eventCounts(counters, (counter) => values.get(`${window}/${counter}`)),
    );
  }
  return counts;
}

/** One range query yielding the 5-minute bucket counts, tagged by `ballast_counter`. */
export function buildBucketEventsQuery(indicator: SloIndicator): string {
  return counterEntries(indicatorCounters(indicator))
    .map(([counter, selector]) => tagged(increaseQuery(selector, EVENT_BUCKET_SECONDS), COUNTER_LABEL, counter))
    .join(' or ');
}

/**
 * The range queries that fill every bucket lying entirely in (from, to]. The
 * evaluation times are bucket ends on the 5-minute grid, split into queries of at
 * most `maxPointsPerQuery` points (a 90d backfill is 25,920 buckets).
 */
export function planBucketRangeQueries(
  indicator: SloIndicator,
  range: { readonly from: Date; readonly to: Date },
  maxPointsPerQuery = MAX_POINTS_PER_RANGE_QUERY,
): BucketRangeQuery[] {
  const stepMs = EVENT_BUCKET_SECONDS * 1000;
  const firstEndMs = Math.ceil(range.from.getTime() / stepMs) * stepMs + stepMs;
  const lastEndMs = Math.floor(range.to.getTime() / stepMs) * stepMs;
  const query = buildBucketEventsQuery(indicator);
  const plans: BucketRangeQuery[] = [];
  for (let startMs = firstEndMs; startMs <= lastEndMs; startMs += maxPointsPerQuery * stepMs) {
    const endMs = Math.min(lastEndMs, startMs + (maxPointsPerQuery - 1) * stepMs);
    plans.push({ query, start: new Date(startMs), end: new Date(endMs), stepSeconds: EVENT_BUCKET_SECONDS });
  }
  return plans;
}

/**
 * Buckets from the answer of one planned range query: one bucket per evaluation
 * time t of the plan, covering (t - 5m, t]. A time with no series is a bucket of
 * zero events (Prometheus answered: nothing was counted).
 */
export function readBucketEvents(
  indicator: SloIndicator,
  plan: Pick<BucketRangeQuery, 'start' | 'end' | 'stepSeconds'>,
  result: readonly PrometheusMatrixSeries[],
): EventBucket[] {
  const stepMs = plan.stepSeconds * 1000;
  const values = new Map<string, number>();
  for (const series of result) {
    const counter = series.metric[COUNTER_LABEL];
    for (const [timestampSeconds, value] of series.values) {
      const timeMs = Math.round(timestampSeconds * 1000);
      if ((timeMs - plan.start.getTime()) % stepMs !== 0) {
        throw new PrometheusResultError(`Prometheus answered at ${timestampSeconds}, off the ${plan.stepSeconds}s grid`);
      }
      values.set(`${timeMs}/${counter}`, parseIncrease(value, `${counter}@${timestampSeconds}`));
    }
  }
  const counters = indicatorCounters(indicator);
  const buckets: EventBucket[] = [];
  for (let endMs = plan.start.getTime(); endMs <= plan.end.getTime(); endMs += stepMs) {
    const counts = eventCounts(counters, (counter) => values.get(`${endMs}/${counter}`));
    buckets.push({ start: new Date(endMs - EVENT_BUCKET_SECONDS * 1000), ...counts });
  }
  return buckets;
}

/** Counts from per-counter values; a missing value is 0 events. Shared with the evaluation plan. */
export function eventCounts(counters: IndicatorCounters, valueOf: (counter: EventCounter) => number | undefined): EventCounts {
  const total = valueOf('total') ?? 0;
  const bad = counters.bad !== undefined ? (valueOf('bad') ?? 0) : total - (valueOf('good') ?? 0);
  // bad and total are separate increase() results; clamp the extrapolation noise.
  return { bad: Math.min(Math.max(bad, 0), total), total };
}

export function parseIncrease(text: string, what: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new PrometheusResultError(`Prometheus returned ${JSON.stringify(text)} for ${what}; expected a count`);
  }
  return value;
}

export function counterEntries(counters: IndicatorCounters): Array<[EventCounter, string]> {
  const entries: Array<[EventCounter, string]> = [['total', counters.total]];
  if (counters.bad !== undefined) {
    entries.push(['bad', counters.bad]);
  }
  if (counters.good !== undefined) {
    entries.push(['good', counters.good]);
  }
  return entries;
}

/** Adds a constant label to every series of `expression` (so `or` keeps the parts apart). */
export function tagged(expression: string, label: string, value: string): string {
  return `label_replace(${expression}, ${quotePromqlString(label)}, ${quotePromqlString(value)}, "", "")`;
}
