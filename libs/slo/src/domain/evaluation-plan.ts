import type { CalendarPeriod } from './calendar-window';
import { PrometheusResultError } from './errors';
import { EVENT_BUCKET_SECONDS, EventBucket } from './event-buckets';
import {
  BucketRangeQuery,
  COUNTER_LABEL,
  counterEntries,
  EventCounter,
  eventCounts,
  increaseQuery,
  indicatorCounters,
  parseIncrease,
  planBucketRangeQueries,
  PrometheusVectorSample,
  tagged,
  WINDOW_LABEL,
} from './promql-queries';
import { isPromqlTemplate, templateIncreaseQuery } from './promql-template';
import { isTimesliceCounter, timesliceCountQuery } from './timeslices';
import { EventCounts } from './slo-math';
import { SloIndicator } from './slo-indicator';
import { EVALUATION_WINDOWS, EvaluationWindow, formatPromqlDuration, SloWindow, StatusWindowKey, statusWindowSeconds } from './slo-window';

/*
 * One evaluation of one SLO, planned without IO
 * ---------------------------------------------
 * The short windows of the page tiers' confirmations (5m, 30m) are read raw
 * from Prometheus at every evaluation. Longer windows (1h, 2h, 6h, 1d, 3d and
 * the SLO window W, up to 90 days) are sums of the stored 5-minute buckets, so
 * no evaluation re-reads hours or days of raw samples.
 *
 * With a = `now` rounded down to the 5-minute grid, a bucket window w covers
 *   tail (a, now]                      read live by the same instant query,
 *   + every stored bucket inside (now - w, a],
 *   + the bucket (a - w, a - w + 5m] prorated by the share of it that lies in
 *     (now - w, now], i.e. 1 - tail/5m (linear, as increase() extrapolates).
 * On the grid (now = a) there is no tail, the head bucket counts whole, and the
 * sum is exactly the events of (now - w, now].
 *
 * Buckets are final once they are older than REREAD_BUCKETS × 5m: the instant
 * query re-reads the last ones (`increase(sel[5m] offset …)`) every time, so a
 * bucket first read while a scrape was still missing is corrected on the next
 * evaluation. Missing buckets (the SLO is new, its window grew, Ballast was
 * down) are fetched with range queries, each raw sample read about once.
 *
 * Steady state: one instant query per SLO per evaluation (10 parts: 2 raw
 * windows, the tail and 2 re-read buckets, for total and bad/good), no range
 * query. Several SLOs evaluated at the same time share one request
 * (`batchInstantQuery`).
 */

/** Windows read raw at every evaluation. */
export const RAW_EVALUATION_WINDOWS = ['5m', '30m'] as const satisfies readonly EvaluationWindow[];
/** Short windows summed from stored buckets (plus the SLO window itself). */
export const BUCKET_EVALUATION_WINDOWS = ['1h', '2h', '6h', '1d', '3d'] as const satisfies readonly EvaluationWindow[];
/** The newest buckets, re-read at every evaluation; older stored buckets are final. */
export const REREAD_BUCKETS = 2;
/** Label tagging the re-read buckets of the instant query: the bucket's end, in epoch seconds. */
export const BUCKET_LABEL = 'ballast_bucket';
/** Label telling the SLOs of a batched instant query apart: the SLO's index in the batch. */
export const SLO_LABEL = 'ballast_slo';
/** `ballast_window` value of the tail (a, now] in the instant query. */
export const TAIL_WINDOW = 'tail';
/** Buckets are kept this long past the oldest one a window needs, so a PATCHed window need not refetch. */
export const BUCKET_RETENTION_SLACK_SECONDS = 3600;

const BUCKET_MS = EVENT_BUCKET_SECONDS * 1000;
const LONGEST_SHORT_WINDOW_SECONDS = statusWindowSeconds('3d');

/** Stored buckets cover (from, until]: every bucket starting in [from, until - 5m]. */
export interface BucketCoverage {
  readonly from: Date;
  readonly until: Date;
}

export interface EvaluationPlanInput {
  readonly indicator: SloIndicator;
  readonly window: SloWindow;
  /** Evaluation time; rounded down to the second (PromQL offsets are whole seconds here). */
  readonly now: Date;
  /** What is stored; null when nothing is (new SLO, changed indicator). */
  readonly coverage: BucketCoverage | null;
  /** Calendar SLOs: the current period; its window (key `month`…) sums the buckets since the period's start. */
  readonly calendarPeriod?: CalendarPeriod;
}

/** A window summed from stored buckets: starts in [headStart, bucketEnd), the head bucket weighted. */
export interface BucketWindowBounds {
  readonly key: StatusWindowKey;
  readonly headStart: Date;
  /** Weight of the bucket starting at `headStart` (1 on the grid). */
  readonly headFraction: number;
}

export interface EvaluationPlan {
  readonly now: Date;
  /** `now` rounded down to the 5-minute grid: end of the newest complete bucket. */
  readonly bucketEnd: Date;
  /** Seconds of the live tail (bucketEnd, now]; 0 on the grid. */
  readonly tailSeconds: number;
  /** The one instant query (evaluate at `now`): raw windows, tail, re-read buckets. */
  readonly instantQuery: string;
  /** Ends of the buckets the instant query re-reads, newest first. */
  readonly rereadBucketEnds: readonly Date[];
  /** Range queries filling missing buckets (empty in steady state). */
  readonly rangeQueries: readonly BucketRangeQuery[];
  /** What is stored once the plan's buckets are written. */
  readonly coverageAfter: BucketCoverage;
  /** Stored buckets starting before this are no longer needed. */
  readonly pruneBefore: Date;
  readonly bucketWindows: readonly BucketWindowBounds[];
  /** The status window keys: raw windows, bucket windows and the SLO window. */
  readonly windowKeys: readonly StatusWindowKey[];
}

/** What the instant query answered, split by purpose. */
export interface EvaluationAnswer {
  readonly rawWindows: ReadonlyMap<StatusWindowKey, EventCounts>;
  readonly tail: EventCounts;
  readonly rereadBuckets: readonly EventBucket[];
}

export function planEvaluation(input: EvaluationPlanInput): EvaluationPlan {
  const now = new Date(Math.floor(input.now.getTime() / 1000) * 1000);
  const bucketEndMs = Math.floor(now.getTime() / BUCKET_MS) * BUCKET_MS;
  const bucketEnd = new Date(bucketEndMs);
  const tailSeconds = (now.getTime() - bucketEndMs) / 1000;

  // The oldest bucket any window needs (the 3d window is shown even for shorter SLO windows).
  const periodSeconds = input.calendarPeriod ? (bucketEndMs - input.calendarPeriod.start.getTime()) / 1000 : 0;
  const coveredSeconds = Math.max(input.window.seconds, LONGEST_SHORT_WINDOW_SECONDS, periodSeconds);
  const neededFromMs = bucketEndMs - coveredSeconds * 1000;
  const rereadFromMs = bucketEndMs - REREAD_BUCKETS * BUCKET_MS;

  const rangeQueries: BucketRangeQuery[] = [];
  const fill = (fromMs: number, toMs: number): void => {
    if (toMs > fromMs) {
      rangeQueries.push(...planBucketRangeQueries(input.indicator, { from: new Date(fromMs), to: new Date(toMs) }));
    }
  };
  const coverage = input.coverage;
  if (coverage === null || coverage.until.getTime() <= neededFromMs || coverage.from.getTime() >= rereadFromMs) {
    fill(neededFromMs, rereadFromMs);
  } else {
    // The head, when the window grew (or was never fully fetched).
    fill(neededFromMs, Math.min(coverage.from.getTime(), rereadFromMs));
    // The gap since the last stored bucket, when evaluations were missed.
    fill(Math.max(coverage.until.getTime(), neededFromMs), rereadFromMs);
  }

  const rereadBucketEnds = Array.from({ length: REREAD_BUCKETS }, (_, index) => new Date(bucketEndMs - index * BUCKET_MS));
  const sloWindowKey: StatusWindowKey = input.calendarPeriod?.window ?? input.window.label;
  const bucketKeys: StatusWindowKey[] = [...BUCKET_EVALUATION_WINDOWS];
  if (!bucketKeys.includes(sloWindowKey)) {
    bucketKeys.push(sloWindowKey);
  }
  const headFraction = 1 - tailSeconds / EVENT_BUCKET_SECONDS;
  const bucketWindows = bucketKeys.map((key) =>
    input.calendarPeriod && key === sloWindowKey
      ? { key, headStart: input.calendarPeriod.start, headFraction: 1 }
      : { key, headStart: new Date(bucketEndMs - statusWindowSeconds(key) * 1000), headFraction },
  );

  return {
    now,
    bucketEnd,
    tailSeconds,
    instantQuery: buildInstantQuery(input.indicator, now, tailSeconds, rereadBucketEnds),
    rereadBucketEnds,
    rangeQueries,
    coverageAfter: { from: new Date(neededFromMs), until: bucketEnd },
    pruneBefore: new Date(neededFromMs - BUCKET_RETENTION_SLACK_SECONDS * 1000),
    bucketWindows,
    windowKeys: [...EVALUATION_WINDOWS, sloWindowKey],
  };
}

function buildInstantQuery(indicator: SloIndicator, now: Date, tailSeconds: number, rereadBucketEnds: readonly Date[]): string {
  const counters = counterEntries(indicatorCounters(indicator));
  const parts: string[] = [];
  const add = (label: string, value: string, query: (selector: string) => string): void => {
    for (const [counter, selector] of counters) {
      parts.push(tagged(tagged(query(selector), COUNTER_LABEL, counter), label, value));
    }
  };
  for (const window of RAW_EVALUATION_WINDOWS) {
    add(WINDOW_LABEL, window, (selector) => increaseQuery(selector, statusWindowSeconds(window)));
  }
  if (tailSeconds > 0) {
    add(WINDOW_LABEL, TAIL_WINDOW, (selector) => increaseQuery(selector, tailSeconds));
  }
  for (const end of rereadBucketEnds) {
    const offsetSeconds = (now.getTime() - end.getTime()) / 1000;
    add(BUCKET_LABEL, String(end.getTime() / 1000), (selector) => bucketIncrease(selector, offsetSeconds));
  }
  return parts.join(' or ');
}

/** Events of the bucket ending `offsetSeconds` before the evaluation time. */
function bucketIncrease(selector: string, offsetSeconds: number): string {
  if (isTimesliceCounter(selector)) {
    return timesliceCountQuery(selector, EVENT_BUCKET_SECONDS, offsetSeconds);
  }
  if (isPromqlTemplate(selector)) {
    return templateIncreaseQuery(selector, EVENT_BUCKET_SECONDS, offsetSeconds);
  }
  const range = formatPromqlDuration(EVENT_BUCKET_SECONDS);
  const offset = offsetSeconds > 0 ? ` offset ${formatPromqlDuration(offsetSeconds)}` : '';
  return `sum(increase(${selector}[${range}]${offset}))`;
}

/**
 * One instant query for the plans of several SLOs evaluated at the same time:
 * each plan's series tagged with `ballast_slo="<index>"`. Prometheus answers
 * one request instead of one per SLO; the work per SLO is the same.
 */
export function batchInstantQuery(plans: readonly Pick<EvaluationPlan, 'instantQuery' | 'now'>[]): string {
  if (plans.length === 0) {
    throw new RangeError('batchInstantQuery needs at least one plan');
  }
  if (plans.some((plan) => plan.now.getTime() !== plans[0].now.getTime())) {
    throw new RangeError('Plans batched into one instant query must share their evaluation time');
  }
  return plans.length === 1 ? plans[0].instantQuery : plans.map((plan, index) => tagged(`(${plan.instantQuery})`, SLO_LABEL, String(index))).join(' or ');
}

/** The answer of `batchInstantQuery`, per plan, in order. */
export function splitBatchAnswer(result: readonly PrometheusVectorSample[], count: number): PrometheusVectorSample[][] {
  if (count === 1) {
    return [[...result]];
  }
  const answers: PrometheusVectorSample[][] = Array.from({ length: count }, () => []);
  for (const sample of result) {
    const index = Number(sample.metric[SLO_LABEL]);
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new PrometheusResultError(`Prometheus answered a series of no SLO of the batch: ${JSON.stringify(sample.metric)}`);
    }
    answers[index].push(sample);
  }
  return answers;
}

/** Splits the instant query's answer into raw windows, tail and re-read buckets. */
export function readEvaluationAnswer(indicator: SloIndicator, plan: EvaluationPlan, result: readonly PrometheusVectorSample[]): EvaluationAnswer {
  const values = new Map<string, number>();
  for (const sample of result) {
    const counter = sample.metric[COUNTER_LABEL];
    const window = sample.metric[WINDOW_LABEL];
    const bucket = sample.metric[BUCKET_LABEL];
    const key = window !== undefined ? `window/${window}/${counter}` : `bucket/${bucket}/${counter}`;
    if (counter === undefined || (window === undefined) === (bucket === undefined)) {
      throw new PrometheusResultError(`Prometheus answered an untagged series ${JSON.stringify(sample.metric)}`);
    }
    if (values.has(key)) {
      throw new PrometheusResultError(`Prometheus answered twice for ${key}`);
    }
    values.set(key, parseIncrease(sample.value[1], key));
  }
  const counters = indicatorCounters(indicator);
  const countsOf = (prefix: string): EventCounts => eventCounts(counters, (counter: EventCounter) => values.get(`${prefix}/${counter}`));
  const rawWindows = new Map<StatusWindowKey, EventCounts>(RAW_EVALUATION_WINDOWS.map((window) => [window, countsOf(`window/${window}`)]));
  const tail = plan.tailSeconds > 0 ? countsOf(`window/${TAIL_WINDOW}`) : { bad: 0, total: 0 };
  const rereadBuckets = plan.rereadBucketEnds.map((end) => ({
    start: new Date(end.getTime() - BUCKET_MS),
    ...countsOf(`bucket/${end.getTime() / 1000}`),
  }));
  return { rawWindows, tail, rereadBuckets };
}

/**
 * The counts of every status window: raw windows as answered, bucket windows as
 * stored sums (head bucket already weighted) plus the tail. Sums of bad and of
 * total events, so every ratio taken from them is event-weighted.
 */
export function combineWindowCounts(
  plan: EvaluationPlan,
  answer: EvaluationAnswer,
  bucketSums: ReadonlyMap<StatusWindowKey, EventCounts>,
): Partial<Record<StatusWindowKey, EventCounts>> {
  const counts: Partial<Record<StatusWindowKey, EventCounts>> = {};
  for (const [key, value] of answer.rawWindows) {
    counts[key] = value;
  }
  for (const { key } of plan.bucketWindows) {
    const stored = bucketSums.get(key) ?? { bad: 0, total: 0 };
    counts[key] = { bad: stored.bad + answer.tail.bad, total: stored.total + answer.tail.total };
  }
  return counts;
}

/** A stored bucket with the running totals of its SLO's buckets up to and including it. */
export interface RunningTotalBucket extends EventBucket {
  readonly cumBad: number;
  readonly cumTotal: number;
}

/**
 * True when the fetched buckets are one gapless run ending at the plan's
 * bucket end (steady state, a gap after missed evaluations, a first
 * backfill): every stored bucket from the run's start on is replaced, so the
 * run's running totals continue from the stored bucket just before it.
 * Otherwise (a grown window fills the head) the running totals of the whole
 * SLO must be recomputed.
 */
export function isAppendRun(fresh: readonly EventBucket[], bucketEnd: Date): boolean {
  if (fresh.length === 0) {
    return false;
  }
  for (let index = 1; index < fresh.length; index += 1) {
    if (fresh[index].start.getTime() !== fresh[index - 1].start.getTime() + BUCKET_MS) {
      return false;
    }
  }
  return fresh[fresh.length - 1].start.getTime() + BUCKET_MS === bucketEnd.getTime();
}

/** Running totals of a run of buckets (sorted by start), continuing from `base`. */
export function withRunningTotals(fresh: readonly EventBucket[], base: EventCounts): RunningTotalBucket[] {
  let cumBad = base.bad;
  let cumTotal = base.total;
  return fresh.map((bucket) => {
    cumBad += bucket.bad;
    cumTotal += bucket.total;
    return { ...bucket, cumBad, cumTotal };
  });
}

/**
 * The bucket windows' events from running totals: the buckets starting in
 * [headStart, bucketEnd) are total(before bucketEnd) − total(before headStart),
 * less the part of the head bucket outside the window (see the top of this
 * file). `runningTotalBefore(t)` is the sum of the SLO's buckets starting
 * before t; `bucketAt(t)` the bucket starting at t, if stored.
 */
export function bucketWindowSums(
  plan: Pick<EvaluationPlan, 'bucketWindows' | 'bucketEnd'>,
  runningTotalBefore: (start: Date) => EventCounts,
  bucketAt: (start: Date) => EventCounts | undefined,
): Map<StatusWindowKey, EventCounts> {
  const end = runningTotalBefore(plan.bucketEnd);
  return new Map(
    plan.bucketWindows.map((window) => {
      const before = runningTotalBefore(window.headStart);
      const head = bucketAt(window.headStart) ?? { bad: 0, total: 0 };
      const outside = 1 - window.headFraction;
      // Differences of running totals of fractional counts may come out a hair below zero.
      return [window.key, { bad: Math.max(0, end.bad - before.bad - outside * head.bad), total: Math.max(0, end.total - before.total - outside * head.total) }];
    }),
  );
}

/**
 * The reference computation of a bucket window over buckets in memory (the
 * store computes it from running totals). Buckets must have distinct starts.
 */
export function sumBucketWindow(buckets: Iterable<EventBucket>, bounds: BucketWindowBounds, bucketEnd: Date): EventCounts {
  const headMs = bounds.headStart.getTime();
  let bad = 0;
  let total = 0;
  for (const bucket of buckets) {
    const startMs = bucket.start.getTime();
    if (startMs >= headMs && startMs < bucketEnd.getTime()) {
      const weight = startMs === headMs ? bounds.headFraction : 1;
      bad += weight * bucket.bad;
      total += weight * bucket.total;
    }
  }
  return { bad, total };
}

/**
 * What the naive evaluator asks Prometheus at every evaluation: every window,
 * the full SLO window included, as raw `increase()` (what Pyrra's default rules
 * compute). Used by the benchmark as the baseline.
 */
export function naiveWindowKeys(window: SloWindow): StatusWindowKey[] {
  return [...EVALUATION_WINDOWS, window.label];
}
