import { bucketStartFor, EventBucket, isBucketAligned, mergeBuckets, pruneBuckets, sumBucketsInWindow } from './event-buckets';
import { errorRatio } from './slo-math';

const NOW = new Date('2026-11-23T12:00:00Z');
const MINUTE = 60_000;
const at = (minutesBeforeNow: number): Date => new Date(NOW.getTime() - minutesBeforeNow * MINUTE);
const bucket = (minutesBeforeNow: number, bad: number, total: number): EventBucket => ({ start: at(minutesBeforeNow), bad, total });

describe('bucketStartFor', () => {
  it.each([
    ['2026-11-23T12:00:00.000Z', '2026-11-23T12:00:00.000Z'],
    ['2026-11-23T12:04:59.999Z', '2026-11-23T12:00:00.000Z'],
    ['2026-11-23T12:05:00.000Z', '2026-11-23T12:05:00.000Z'],
    ['2026-11-23T23:59:59.000Z', '2026-11-23T23:55:00.000Z'],
  ])('%s falls in the bucket starting %s', (time, start) => {
    expect(bucketStartFor(new Date(time)).toISOString()).toBe(start);
    expect(isBucketAligned(new Date(start))).toBe(true);
  });
});

describe('sumBucketsInWindow', () => {
  it('sums the buckets lying entirely inside (now - W, now]', () => {
    const buckets = [
      bucket(65, 1000, 1000), // starts before now - 1h: outside
      bucket(60, 1, 10), // starts exactly at now - 1h: covers (now-60m, now-55m], inside
      bucket(30, 2, 20),
      bucket(5, 4, 40), // ends exactly at now: inside
      bucket(0, 1000, 1000), // ends after now: outside
    ];
    expect(sumBucketsInWindow(buckets, { now: NOW, seconds: 3600 })).toEqual({
      bad: 7,
      total: 70,
      bucketCount: 3,
      expectedBucketCount: 12,
    });
  });

  it('leaves the incomplete head out when now is between bucket boundaries', () => {
    const now = new Date(NOW.getTime() + 2 * MINUTE);
    const buckets = [bucket(60, 1, 10), bucket(55, 1, 10), bucket(5, 1, 10), bucket(0, 1, 10)];
    // (now-1h, now] = (11:02, 12:02]: the bucket starting 11:00 began too early, the one starting 12:00 is unfinished.
    expect(sumBucketsInWindow(buckets, { now, seconds: 3600 })).toEqual({ bad: 2, total: 20, bucketCount: 2, expectedBucketCount: 11 });
  });

  it('weighs events, not buckets: a busy noon outweighs a quiet night', () => {
    const night = Array.from({ length: 12 }, (_, index) => bucket(24 * 60 - index * 5, 5, 10)); // 50% errors, 10 req
    const noon = Array.from({ length: 12 }, (_, index) => bucket(60 - index * 5, 1, 10_000)); // 0.01% errors
    const sum = sumBucketsInWindow([...night, ...noon], { now: NOW, seconds: 86_400 });
    expect(sum).toMatchObject({ bad: 72, total: 120_120, bucketCount: 24 });
    const eventWeighted = errorRatio(sum.bad, sum.total) ?? Number.NaN;
    const averageOfRatios = [...night, ...noon].reduce((acc, b) => acc + b.bad / b.total, 0) / 24;
    expect(eventWeighted).toBeCloseTo(72 / 120_120, 12);
    expect(averageOfRatios).toBeGreaterThan(400 * eventWeighted);
  });

  it('returns zero counts for an empty window', () => {
    expect(sumBucketsInWindow([], { now: NOW, seconds: 28 * 86_400 })).toEqual({
      bad: 0,
      total: 0,
      bucketCount: 0,
      expectedBucketCount: 28 * 288,
    });
  });
});

describe('mergeBuckets', () => {
  const stored = [bucket(15, 1, 100), bucket(10, 2, 100), bucket(5, 3, 100)];

  it('replaces buckets with the same start and keeps the rest, sorted', () => {
    const fresh = [bucket(0, 9, 90), bucket(5, 4, 110)];
    const merged = mergeBuckets(stored, fresh);
    expect(merged.map((b) => [b.start.toISOString(), b.bad, b.total])).toEqual([
      [at(15).toISOString(), 1, 100],
      [at(10).toISOString(), 2, 100],
      [at(5).toISOString(), 4, 110],
      [at(0).toISOString(), 9, 90],
    ]);
  });

  it('is idempotent: merging the same query answer again changes nothing', () => {
    const fresh = [bucket(5, 4, 110), bucket(0, 9, 90)];
    const once = mergeBuckets(stored, fresh);
    expect(mergeBuckets(once, fresh)).toEqual(once);
    expect(mergeBuckets(mergeBuckets(once, fresh), fresh)).toEqual(once);
  });

  it('does not modify its inputs', () => {
    const storedCopy = structuredClone(stored);
    mergeBuckets(stored, [bucket(5, 50, 100)]);
    expect(stored).toEqual(storedCopy);
  });

  it.each([
    ['an unaligned start', { start: new Date(NOW.getTime() + 1000), bad: 0, total: 1 }],
    ['bad above total', bucket(0, 2, 1)],
    ['a negative count', bucket(0, -1, 1)],
    ['a NaN count', bucket(0, 0, Number.NaN)],
  ])('refuses %s', (_case, invalid) => {
    expect(() => mergeBuckets(stored, [invalid])).toThrow(RangeError);
  });
});

describe('pruneBuckets', () => {
  it('keeps buckets that start within keepSeconds before now', () => {
    const buckets = [bucket(70, 0, 1), bucket(60, 0, 1), bucket(5, 0, 1)];
    expect(pruneBuckets(buckets, { now: NOW, keepSeconds: 3600 }).map((b) => b.start)).toEqual([at(60), at(5)]);
  });
});
