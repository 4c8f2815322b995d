import { historyBucketStartsNeeded, historyFromBuckets, RunningTotalRow } from './slo-history';
import { evaluateSloStatus } from './slo-status';
import { EVALUATION_WINDOWS, StatusWindowKey, statusWindowSeconds } from './slo-window';

const START = Date.parse('2026-11-01T00:00:00Z');
const BUCKET = 300_000;

/** Buckets with 100 events each, 1 bad, except 50 bad in the bucket starting at `spikeAt`. */
function rows(count: number, spikeAt: number): RunningTotalRow[] {
  let cumBad = 1000; // running totals need not start at zero (older buckets were pruned)
  let cumTotal = 50_000;
  return Array.from({ length: count }, (_, index) => {
    const bad = index === spikeAt ? 50 : 1;
    cumBad += bad;
    cumTotal += 100;
    return { start: new Date(START + index * BUCKET), bad, total: 100, cumBad, cumTotal };
  });
}

describe('historyFromBuckets', () => {
  const buckets = rows(4 * 288, 3 * 288); // 4 days, a spike at the start of day 4

  it('computes each step as it was then, from running totals', () => {
    const points = historyFromBuckets({
      sloId: 's',
      objective: 0.99,
      window: '1d',
      from: new Date(START + 86_400_000),
      to: new Date(START + 4 * 86_400_000),
      stepSeconds: 3600,
      rows: buckets,
    });
    expect(points).toHaveLength(73); // 72 hourly bins and the bin at `to` itself
    const at = (hours: number) => points.find((point) => point.time.getTime() === START + hours * 3_600_000);
    // Hour 24..25 bin: computed at 25h, a full day of 1% errors.
    const quiet = at(24);
    expect(quiet?.asOf.toISOString()).toBe(new Date(START + 25 * 3_600_000 - BUCKET).toISOString());
    expect(quiet?.status.sli).toBeCloseTo(0.99, 12);
    expect(quiet?.status.errorBudgetRemaining).toBeCloseTo(0, 12);
    // Just after the spike: 1d window has 288 buckets, one with 50 bad.
    const after = at(72);
    const counts: Partial<Record<StatusWindowKey, { bad: number; total: number }>> = {};
    const asOfMs = (after?.asOf as Date).getTime();
    for (const key of [...EVALUATION_WINDOWS, '1d'] as StatusWindowKey[]) {
      const inWindow = buckets.filter((row) => row.start.getTime() >= asOfMs - statusWindowSeconds(key) * 1000 && row.start.getTime() < asOfMs);
      counts[key] = { bad: inWindow.reduce((sum, row) => sum + row.bad, 0), total: inWindow.reduce((sum, row) => sum + row.total, 0) };
    }
    expect(after?.status).toEqual(evaluateSloStatus({ sloId: 's', objective: 0.99, window: '1d', now: new Date(asOfMs), counts }));
    expect(after?.status.errorBudgetRemaining).toBeLessThan(0);
  });

  it('counts a window reaching before the first bucket from the first bucket on', () => {
    const [first] = historyFromBuckets({
      sloId: 's',
      objective: 0.99,
      window: '3d',
      from: new Date(START + 3_600_000),
      to: new Date(START + 2 * 3_600_000),
      stepSeconds: 3600,
      rows: buckets,
    });
    expect(first.coveredSeconds).toBe(2 * 3600 - 300);
    expect(first.status.windows['3d'].errorRatio).toBeCloseTo(0.01, 12);
  });

  it('gives no point outside the buckets or in a bin without a 5-minute instant', () => {
    expect(
      historyFromBuckets({
        sloId: 's',
        objective: 0.99,
        window: '1d',
        from: new Date(START - 86_400_000),
        to: new Date(START),
        stepSeconds: 3600,
        rows: buckets,
      }),
    ).toEqual([]);
    const minutes = historyFromBuckets({
      sloId: 's',
      objective: 0.99,
      window: '1d',
      from: new Date(START + 86_400_000),
      to: new Date(START + 86_400_000 + 600_000),
      stepSeconds: 60,
      rows: buckets,
    });
    expect(minutes.map((point) => (point.time.getTime() - START - 86_400_000) / 60_000)).toEqual([0, 5, 10]);
    expect(
      historyFromBuckets({ sloId: 's', objective: 0.99, window: '1d', from: new Date(START), to: new Date(START + 86_400_000), stepSeconds: 3600, rows: [] }),
    ).toEqual([]);
  });
});

describe('historyBucketStartsNeeded', () => {
  it('reading only the needed buckets (and the first) gives the same points as reading all', () => {
    const all = rows(4 * 288, 3 * 288);
    const range = { window: '1d', from: new Date(START + 3_600_000), to: new Date(START + 4 * 86_400_000), stepSeconds: 3 * 3600 };
    const needed = new Set(historyBucketStartsNeeded({ ...range, firstStart: all[0].start }).map((date) => date.getTime()));
    const sparse = all.filter((row, index) => index === 0 || needed.has(row.start.getTime()));
    expect(sparse.length).toBeLessThan(all.length / 3);
    const input = { sloId: 's', objective: 0.99, ...range };
    expect(historyFromBuckets({ ...input, rows: sparse })).toEqual(historyFromBuckets({ ...input, rows: all }));
  });
});
