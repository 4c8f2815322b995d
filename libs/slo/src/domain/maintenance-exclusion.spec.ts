import { isTailInMaintenance, maintenanceBucketRanges, maintenanceInterval, sumBucketsInRanges, withoutExcluded } from './maintenance-exclusion';

const at = (iso: string): Date => new Date(iso);

describe('maintenanceBucketRanges', () => {
  const windowStart = at('2026-12-01T00:00:00Z');
  const bucketEnd = at('2026-12-06T12:00:00Z');

  it('excludes every 5-minute bucket a maintenance overlaps, whole', () => {
    expect(maintenanceBucketRanges([{ start: at('2026-12-02T10:02:00Z'), end: at('2026-12-02T10:11:00Z') }], windowStart, bucketEnd)).toEqual([
      { from: at('2026-12-02T10:00:00Z'), to: at('2026-12-02T10:15:00Z') },
    ]);
    // On the grid: the buckets starting 10:00 … 11:55, not the one ending at 10:00.
    expect(maintenanceBucketRanges([{ start: at('2026-12-02T10:00:00Z'), end: at('2026-12-02T12:00:00Z') }], windowStart, bucketEnd)).toEqual([
      { from: at('2026-12-02T10:00:00Z'), to: at('2026-12-02T12:00:00Z') },
    ]);
  });

  it('clips to the window and to the stored buckets, merges overlaps and drops what lies outside', () => {
    const ranges = maintenanceBucketRanges(
      [
        { start: at('2026-11-30T22:00:00Z'), end: at('2026-12-01T01:00:00Z') },
        { start: at('2026-12-03T10:00:00Z'), end: at('2026-12-03T11:00:00Z') },
        { start: at('2026-12-03T10:30:00Z'), end: at('2026-12-03T12:00:00Z') },
        { start: at('2026-12-06T11:50:00Z'), end: at('2026-12-06T13:00:00Z') },
        { start: at('2026-11-01T00:00:00Z'), end: at('2026-11-02T00:00:00Z') },
        { start: at('2026-12-04T00:00:00Z'), end: at('2026-12-04T00:00:00Z') },
      ],
      windowStart,
      bucketEnd,
    );
    expect(ranges).toEqual([
      { from: windowStart, to: at('2026-12-01T01:00:00Z') },
      { from: at('2026-12-03T10:00:00Z'), to: at('2026-12-03T12:00:00Z') },
      { from: at('2026-12-06T11:50:00Z'), to: bucketEnd },
    ]);
  });
});

describe('sumBucketsInRanges', () => {
  it('sums the buckets inside, the freshly read one winning over the stored one', () => {
    const ranges = [{ from: at('2026-12-02T10:00:00Z'), to: at('2026-12-02T10:10:00Z') }];
    const stored = [
      { start: at('2026-12-02T09:55:00Z'), bad: 100, total: 1000 },
      { start: at('2026-12-02T10:00:00Z'), bad: 5, total: 1000 },
      { start: at('2026-12-02T10:05:00Z'), bad: 7, total: 1000 },
      { start: at('2026-12-02T10:10:00Z'), bad: 100, total: 1000 },
    ];
    const fresh = [{ start: at('2026-12-02T10:05:00Z'), bad: 9, total: 1100 }];
    expect(sumBucketsInRanges(ranges, stored, fresh)).toEqual({ bad: 14, total: 2100 });
  });
});

describe('the live tail and the window counts', () => {
  it('knows when a maintenance is going on during the tail', () => {
    const interval = { start: at('2026-12-06T11:00:00Z'), end: at('2026-12-06T12:02:00Z') };
    expect(isTailInMaintenance([interval], at('2026-12-06T12:00:00Z'), at('2026-12-06T12:03:00Z'))).toBe(true);
    expect(isTailInMaintenance([interval], at('2026-12-06T12:05:00Z'), at('2026-12-06T12:06:00Z'))).toBe(false);
    expect(isTailInMaintenance([interval], at('2026-12-06T12:00:00Z'), at('2026-12-06T12:00:00Z'))).toBe(false);
  });

  it('subtracts without going below zero', () => {
    expect(withoutExcluded({ bad: 10, total: 100 }, { bad: 4, total: 40 })).toEqual({ bad: 6, total: 60 });
    expect(withoutExcluded({ bad: 1, total: 10 }, { bad: 4, total: 40 })).toEqual({ bad: 0, total: 0 });
    expect(withoutExcluded(undefined, { bad: 4, total: 40 })).toBeUndefined();
  });
});

describe('maintenanceInterval', () => {
  const row = {
    status: 'completed',
    autoStart: true,
    autoComplete: true,
    scheduledFor: at('2026-12-02T10:00:00Z'),
    scheduledUntil: at('2026-12-02T12:00:00Z'),
    startedAt: null,
    completedAt: null,
  };
  const now = at('2026-12-06T12:00:00Z');

  it('counts a maintenance from its actual start to its actual completion, else as scheduled', () => {
    expect(maintenanceInterval(row, now)).toEqual({ start: row.scheduledFor, end: row.scheduledUntil });
    expect(maintenanceInterval({ ...row, startedAt: at('2026-12-02T10:20:00Z'), completedAt: at('2026-12-02T11:00:00Z') }, now)).toEqual({
      start: at('2026-12-02T10:20:00Z'),
      end: at('2026-12-02T11:00:00Z'),
    });
  });

  it('keeps a maintenance being verified going until now, and ignores one that never starts by itself', () => {
    expect(maintenanceInterval({ ...row, status: 'verifying', scheduledUntil: at('2026-12-06T11:00:00Z') }, now)?.end).toEqual(now);
    expect(maintenanceInterval({ ...row, status: 'scheduled', autoStart: false }, now)).toBeNull();
    expect(
      maintenanceInterval({ ...row, status: 'scheduled', scheduledFor: at('2026-12-07T00:00:00Z'), scheduledUntil: at('2026-12-07T01:00:00Z') }, now),
    ).toBeNull();
  });
});
