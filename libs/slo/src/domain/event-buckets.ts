import { EventCounts } from './slo-math';

/** Width of a stored event bucket. Every window (5m..90d) is a whole number of them. */
export const EVENT_BUCKET_SECONDS = 300;
const EVENT_BUCKET_MS = EVENT_BUCKET_SECONDS * 1000;

/**
 * Events counted in (start, start + 5m]. `start` is aligned to a multiple of 5
 * minutes since the epoch, so buckets from different queries line up.
 */
export interface EventBucket extends EventCounts {
  readonly start: Date;
}

export interface BucketWindowSum extends EventCounts {
  /** Buckets found in the window; fewer than `expectedBucketCount` means gaps. */
  readonly bucketCount: number;
  readonly expectedBucketCount: number;
}

export function bucketStartFor(time: Date): Date {
  return new Date(Math.floor(time.getTime() / EVENT_BUCKET_MS) * EVENT_BUCKET_MS);
}

export function isBucketAligned(time: Date): boolean {
  return time.getTime() % EVENT_BUCKET_MS === 0;
}

/**
 * Event-weighted counts over the window (now - W, now]: the sum of bad events and
 * the sum of total events of every bucket lying entirely inside it. The ratio is
 * taken by the caller on these sums, never as an average of bucket ratios (that
 * would weigh a quiet night's bucket like a busy noon's).
 *
 * Bucket starts must be distinct, as `mergeBuckets` returns them.
 * With `now` on the bucket grid the buckets cover the window exactly; otherwise
 * the part after the last complete bucket is not covered and the caller adds it
 * from a live query if it needs it.
 */
export function sumBucketsInWindow(buckets: Iterable<EventBucket>, window: { readonly now: Date; readonly seconds: number }): BucketWindowSum {
  const windowEndMs = window.now.getTime();
  const windowStartMs = windowEndMs - window.seconds * 1000;
  let bad = 0;
  let total = 0;
  let bucketCount = 0;
  for (const bucket of buckets) {
    const startMs = bucket.start.getTime();
    if (startMs >= windowStartMs && startMs + EVENT_BUCKET_MS <= windowEndMs) {
      bad += bucket.bad;
      total += bucket.total;
      bucketCount += 1;
    }
  }
  const firstCompleteStartMs = Math.ceil(windowStartMs / EVENT_BUCKET_MS) * EVENT_BUCKET_MS;
  const lastCompleteEndMs = Math.floor(windowEndMs / EVENT_BUCKET_MS) * EVENT_BUCKET_MS;
  const expectedBucketCount = Math.max(0, (lastCompleteEndMs - firstCompleteStartMs) / EVENT_BUCKET_MS);
  return { bad, total, bucketCount, expectedBucketCount };
}

/**
 * Merges freshly queried buckets into stored ones: a fresh bucket replaces a
 * stored bucket with the same start, so re-running a query (retries, overlapping
 * backfills, late samples) never counts events twice. Returns a new array sorted
 * by start; inputs are not modified.
 */
export function mergeBuckets(stored: Iterable<EventBucket>, fresh: Iterable<EventBucket>): EventBucket[] {
  const byStart = new Map<number, EventBucket>();
  for (const bucket of stored) {
    byStart.set(checkedBucket(bucket).start.getTime(), bucket);
  }
  for (const bucket of fresh) {
    byStart.set(checkedBucket(bucket).start.getTime(), bucket);
  }
  return [...byStart.entries()].sort(([a], [b]) => a - b).map(([, bucket]) => bucket);
}

/** Drops buckets that ended more than `keepSeconds` before `now`. */
export function pruneBuckets(buckets: Iterable<EventBucket>, retention: { readonly now: Date; readonly keepSeconds: number }): EventBucket[] {
  const oldestKeptStartMs = retention.now.getTime() - retention.keepSeconds * 1000;
  return [...buckets].filter((bucket) => bucket.start.getTime() >= oldestKeptStartMs);
}

function checkedBucket(bucket: EventBucket): EventBucket {
  if (!isBucketAligned(bucket.start)) {
    throw new RangeError(`Event bucket start ${bucket.start.toISOString()} is not aligned to ${EVENT_BUCKET_SECONDS}s`);
  }
  if (!isCount(bucket.bad) || !isCount(bucket.total) || bucket.bad > bucket.total) {
    throw new RangeError(`Event bucket ${bucket.start.toISOString()} has invalid counts bad=${bucket.bad} total=${bucket.total}`);
  }
  return bucket;
}

function isCount(value: number): boolean {
  return Number.isFinite(value) && value >= 0;
}
