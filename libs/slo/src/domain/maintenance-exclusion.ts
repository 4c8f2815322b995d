import { EVENT_BUCKET_SECONDS, EventBucket } from './event-buckets';
import { EventCounts } from './slo-math';

/*
 * policy.excludeMaintenance
 * -------------------------
 * Events during maintenances of the SLO's components (its
 * policy.statusComponentId and the status components listing the SLO) do not
 * count against the budget. Exclusion is per 5-minute bucket: a bucket
 * (start, start + 5m] overlapping a maintenance [from, to) is left out whole,
 * bad and total events alike, as is the live tail (last bucket end, now] while
 * a maintenance is going on. Only the SLO window's counts (SLI and budget)
 * exclude them; the short burn-rate windows do not, so a maintenance that
 * breaks more than planned still alerts. The status reports the events left
 * out as `excludedEvents: { bad, total }`.
 */

export interface MaintenanceInterval {
  readonly start: Date;
  readonly end: Date;
}

/** Bucket starts [from, to). */
export interface BucketStartRange {
  readonly from: Date;
  readonly to: Date;
}

const BUCKET_MS = EVENT_BUCKET_SECONDS * 1000;

/**
 * Starts of the buckets overlapping any maintenance, clipped to the buckets
 * starting in [windowStart, bucketEnd), merged and sorted.
 */
export function maintenanceBucketRanges(intervals: readonly MaintenanceInterval[], windowStart: Date, bucketEnd: Date): BucketStartRange[] {
  const ranges = intervals
    .filter((interval) => interval.end.getTime() > interval.start.getTime())
    .map((interval) => ({
      from: Math.max(Math.floor(interval.start.getTime() / BUCKET_MS) * BUCKET_MS, windowStart.getTime()),
      to: Math.min(Math.ceil(interval.end.getTime() / BUCKET_MS) * BUCKET_MS, bucketEnd.getTime()),
    }))
    .filter((range) => range.to > range.from)
    .sort((a, b) => a.from - b.from);
  const merged: Array<{ from: number; to: number }> = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range.from <= last.to) last.to = Math.max(last.to, range.to);
    else merged.push({ ...range });
  }
  return merged.map((range) => ({ from: new Date(range.from), to: new Date(range.to) }));
}

/** Whether a maintenance overlaps the live tail (bucketEnd, now]. */
export function isTailInMaintenance(intervals: readonly MaintenanceInterval[], bucketEnd: Date, now: Date): boolean {
  return (
    now.getTime() > bucketEnd.getTime() &&
    intervals.some((interval) => interval.start.getTime() < now.getTime() && interval.end.getTime() > bucketEnd.getTime())
  );
}

/** Events of the buckets inside the ranges; `fresh` (just read) wins over `stored` for the same start. */
export function sumBucketsInRanges(ranges: readonly BucketStartRange[], stored: readonly EventBucket[], fresh: readonly EventBucket[]): EventCounts {
  const byStart = new Map<number, EventBucket>();
  for (const bucket of [...stored, ...fresh]) byStart.set(bucket.start.getTime(), bucket);
  let bad = 0;
  let total = 0;
  for (const [start, bucket] of byStart) {
    if (ranges.some((range) => start >= range.from.getTime() && start < range.to.getTime())) {
      bad += bucket.bad;
      total += bucket.total;
    }
  }
  return { bad, total };
}

/** The window's counts without the excluded events (never below zero). */
export function withoutExcluded(counts: EventCounts | undefined, excluded: EventCounts): EventCounts | undefined {
  return counts === undefined ? undefined : { bad: Math.max(0, counts.bad - excluded.bad), total: Math.max(0, counts.total - excluded.total) };
}

/**
 * Where a maintenance row of the status page counts: from its start (as
 * started, else as scheduled) to its completion (as completed, else as
 * scheduled when it completes by itself, else still going on at `now`).
 */
export function maintenanceInterval(
  row: {
    readonly status: string;
    readonly autoStart: boolean;
    readonly autoComplete: boolean;
    readonly scheduledFor: Date;
    readonly scheduledUntil: Date;
    readonly startedAt: Date | null;
    readonly completedAt: Date | null;
  },
  now: Date,
): MaintenanceInterval | null {
  if (row.status === 'scheduled' && !row.autoStart) return null;
  const start = row.startedAt ?? row.scheduledFor;
  const selfCompleting = row.status === 'completed' || (row.autoComplete && row.status !== 'verifying');
  const end = row.completedAt ?? (selfCompleting ? row.scheduledUntil : now);
  const clippedEnd = new Date(Math.min(end.getTime(), now.getTime()));
  return start.getTime() < clippedEnd.getTime() ? { start, end: clippedEnd } : null;
}
