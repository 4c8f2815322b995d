import { Period, previousPeriod } from './incident-insights';

const DAY_MS = 86_400_000;

/** Which period a slice of time counts towards: the one asked for, or the one of equal length before it. */
export type InsightsPeriodName = 'current' | 'previous';

/**
 * Rollup buckets [fromDay, toDay) (`YYYY-MM-DD`, UTC) of one size: single
 * days, or ISO weeks (Monday to Sunday) where a whole week fits, so a long
 * period reads few rows.
 */
export interface RollupDayRange {
  readonly period: InsightsPeriodName;
  readonly bucketDays: 1 | 7;
  readonly fromDay: string;
  readonly toDay: string;
}

/** A part of a day [from, to), counted from the incidents themselves. */
export interface RawTimeRange {
  readonly period: InsightsPeriodName;
  readonly from: Date;
  readonly to: Date;
}

/**
 * How the incident counts of a period and the period before it are read:
 * whole UTC weeks and days from the rollup (`incident_counts`, keyed by the
 * UTC day or ISO week of startedAt), and the ragged ends — a period may start or end at
 * any instant — straight from the incidents, so the sum is exactly the number
 * of incidents started in each period. The ranges are disjoint and together
 * cover [previous.from, period.to) exactly.
 */
export interface InsightsCountPlan {
  readonly rollupDays: readonly RollupDayRange[];
  readonly rawRanges: readonly RawTimeRange[];
}

export function planInsightsCounts(period: Period): InsightsCountPlan {
  const previous = previousPeriod(period);
  const rollupDays: RollupDayRange[] = [];
  const rawRanges: RawTimeRange[] = [];
  for (const [name, range] of [
    ['previous', previous],
    ['current', period],
  ] as const) {
    const from = range.from.getTime();
    const to = range.to.getTime();
    const firstWholeDay = Math.ceil(from / DAY_MS) * DAY_MS;
    const endOfWholeDays = Math.floor(to / DAY_MS) * DAY_MS;
    if (firstWholeDay >= endOfWholeDays) {
      rawRanges.push({ period: name, from: new Date(from), to: new Date(to) });
      continue;
    }
    if (from < firstWholeDay) rawRanges.push({ period: name, from: new Date(from), to: new Date(firstWholeDay) });
    rollupDays.push(...splitIntoWeeks(name, firstWholeDay, endOfWholeDays));
    if (endOfWholeDays < to) rawRanges.push({ period: name, from: new Date(endOfWholeDays), to: new Date(to) });
  }
  return { rollupDays, rawRanges };
}

// 1970-01-05, day 4 of the epoch, was a Monday.
const MONDAY_OFFSET_DAYS = 4;

function splitIntoWeeks(period: InsightsPeriodName, from: number, to: number): RollupDayRange[] {
  const fromDayNumber = from / DAY_MS;
  const toDayNumber = to / DAY_MS;
  const firstMonday = fromDayNumber + mod(MONDAY_OFFSET_DAYS - fromDayNumber, 7);
  const lastMonday = toDayNumber - mod(toDayNumber - MONDAY_OFFSET_DAYS, 7);
  const day = (dayNumber: number) => utcDay(dayNumber * DAY_MS);
  if (firstMonday >= lastMonday) return [{ period, bucketDays: 1, fromDay: day(fromDayNumber), toDay: day(toDayNumber) }];
  const ranges: RollupDayRange[] = [];
  if (fromDayNumber < firstMonday) ranges.push({ period, bucketDays: 1, fromDay: day(fromDayNumber), toDay: day(firstMonday) });
  ranges.push({ period, bucketDays: 7, fromDay: day(firstMonday), toDay: day(lastMonday) });
  if (lastMonday < toDayNumber) ranges.push({ period, bucketDays: 1, fromDay: day(lastMonday), toDay: day(toDayNumber) });
  return ranges;
}

function mod(value: number, modulus: number): number {
  return ((value % modulus) + modulus) % modulus;
}

function utcDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}
