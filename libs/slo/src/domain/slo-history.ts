import { CalendarPeriod, calendarPeriodAt, CalendarWindow } from './calendar-window';
import { EVENT_BUCKET_SECONDS } from './event-buckets';
import { EventCounts } from './slo-math';
import { evaluateSloStatus, SloStatus } from './slo-status';
import { EVALUATION_WINDOWS, parseWindow, StatusWindowKey, statusWindowSeconds } from './slo-window';

/*
 * History from the stored buckets
 * -------------------------------
 * An SLO's 5-minute buckets are backfilled from Prometheus when it is created,
 * and each stored bucket carries the running totals of its SLO's buckets up to
 * it. The events of any window (t - w, t] with t on the 5-minute grid are then
 * cum(t) - cum(t - w), so the status "as it was" at every step of a chart is a
 * pure function of the buckets, whether or not Ballast evaluated the SLO then
 * (it did not exist yet, or old evaluations were thinned).
 *
 * The buckets reach back as far as the SLO window (at least 3 days) from the
 * newest evaluation; a window reaching before the first bucket counts the
 * events from the first bucket on (`coveredSeconds` says how much of the SLO
 * window that is).
 */

const BUCKET_MS = EVENT_BUCKET_SECONDS * 1000;

/** A stored bucket with the running totals of its SLO's buckets up to and including it. */
export interface RunningTotalRow {
  readonly start: Date;
  readonly bad: number;
  readonly total: number;
  readonly cumBad: number;
  readonly cumTotal: number;
}

export interface DerivedHistoryPoint {
  /** Start of the chart step the point stands for. */
  readonly time: Date;
  /** The instant (on the 5-minute grid) the status is computed at. */
  readonly asOf: Date;
  readonly status: SloStatus;
  /** Seconds of the SLO window covered by stored buckets at `asOf`. */
  readonly coveredSeconds: number;
}

/**
 * Statuses at the steps [from, to) of `stepSeconds` (bins aligned on the
 * epoch, as the evaluation history's), each computed at the last 5-minute grid
 * instant of its bin not after `to`. Bins without such an instant, or outside
 * the buckets, get no point. `rows` must be sorted by start.
 */
export function historyFromBuckets(input: {
  readonly sloId: string;
  readonly objective: number;
  readonly window: string;
  readonly from: Date;
  readonly to: Date;
  readonly stepSeconds: number;
  readonly rows: readonly RunningTotalRow[];
  /** Calendar SLOs: each step's SLO window is its calendar period so far (`window` then gives the nominal days). */
  readonly calendar?: CalendarWindowSetting;
}): DerivedHistoryPoint[] {
  const rows = input.rows;
  if (rows.length === 0) return [];
  const window = parseWindow(input.window);
  const windowKey: StatusWindowKey = input.calendar?.window ?? window.label;
  const keys: StatusWindowKey[] = [...EVALUATION_WINDOWS, windowKey];
  const firstStartMs = rows[0].start.getTime();
  const lastEndMs = rows[rows.length - 1].start.getTime() + BUCKET_MS;
  const baseBad = rows[0].cumBad - rows[0].bad;
  const baseTotal = rows[0].cumTotal - rows[0].total;
  const starts = rows.map((row) => row.start.getTime());

  /** Running totals of the buckets starting before `timeMs` (ending at or before it, on the grid). */
  const cumulative = (timeMs: number): EventCounts => {
    // Last row with start < timeMs.
    let low = 0;
    let high = starts.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (starts[middle] < timeMs) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found < 0 ? { bad: baseBad, total: baseTotal } : { bad: rows[found].cumBad, total: rows[found].cumTotal };
  };

  const stepMs = input.stepSeconds * 1000;
  const points: DerivedHistoryPoint[] = [];
  const firstBinMs = Math.floor(input.from.getTime() / stepMs) * stepMs;
  for (let binMs = firstBinMs; binMs <= input.to.getTime(); binMs += stepMs) {
    const binEndMs = Math.min(binMs + stepMs, input.to.getTime() + 1);
    const asOfMs = Math.floor((binEndMs - 1) / BUCKET_MS) * BUCKET_MS;
    if (asOfMs < binMs || asOfMs < input.from.getTime() || asOfMs <= firstStartMs || asOfMs > lastEndMs) continue;
    const end = cumulative(asOfMs);
    const period = input.calendar ? calendarPeriodAt(input.calendar.window, input.calendar.timeZone, new Date(asOfMs)) : undefined;
    const counts: Partial<Record<StatusWindowKey, EventCounts>> = {};
    for (const key of keys) {
      const start = cumulative(windowStartMs(key, asOfMs, period));
      counts[key] = { bad: Math.max(0, end.bad - start.bad), total: Math.max(0, end.total - start.total) };
    }
    const status = evaluateSloStatus({ sloId: input.sloId, objective: input.objective, window: windowKey, now: new Date(asOfMs), counts, period });
    points.push({
      time: new Date(binMs),
      asOf: new Date(asOfMs),
      status,
      coveredSeconds: Math.min(period ? (asOfMs - period.start.getTime()) / 1000 : window.seconds, (asOfMs - firstStartMs) / 1000),
    });
  }
  return points;
}

/**
 * The bucket starts historyFromBuckets reads for these steps: for every
 * instant T it needs (each step's `asOf`, and `asOf` minus each window) the
 * bucket (T - 5m, T], when T lies after `firstStart`. Reading only these rows
 * (plus the first one) gives the same points as reading all of them, as long
 * as none of them is missing.
 */
export function historyBucketStartsNeeded(input: {
  readonly window: string;
  readonly from: Date;
  readonly to: Date;
  readonly stepSeconds: number;
  readonly firstStart: Date;
  readonly calendar?: CalendarWindowSetting;
}): Date[] {
  const window = parseWindow(input.window);
  const keys: StatusWindowKey[] = [...EVALUATION_WINDOWS, input.calendar?.window ?? window.label];
  const stepMs = input.stepSeconds * 1000;
  const firstMs = input.firstStart.getTime();
  const needed = new Set<number>();
  const firstBinMs = Math.floor(input.from.getTime() / stepMs) * stepMs;
  for (let binMs = firstBinMs; binMs <= input.to.getTime(); binMs += stepMs) {
    const binEndMs = Math.min(binMs + stepMs, input.to.getTime() + 1);
    const asOfMs = Math.floor((binEndMs - 1) / BUCKET_MS) * BUCKET_MS;
    if (asOfMs < binMs || asOfMs < input.from.getTime() || asOfMs <= firstMs) continue;
    const period = input.calendar ? calendarPeriodAt(input.calendar.window, input.calendar.timeZone, new Date(asOfMs)) : undefined;
    for (const timeMs of [asOfMs, ...keys.map((key) => windowStartMs(key, asOfMs, period))]) {
      if (timeMs - BUCKET_MS >= firstMs) needed.add(timeMs - BUCKET_MS);
    }
  }
  return [...needed].sort((a, b) => a - b).map((ms) => new Date(ms));
}

/** A calendar SLO's window and time zone. */
export interface CalendarWindowSetting {
  readonly window: CalendarWindow;
  readonly timeZone: string;
}

/** Where a status window starts at `asOfMs`: its calendar period's start, or its length before. */
function windowStartMs(key: StatusWindowKey, asOfMs: number, period: CalendarPeriod | undefined): number {
  return period && key === period.window ? period.start.getTime() : asOfMs - statusWindowSeconds(key) * 1000;
}
