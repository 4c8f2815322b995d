import {
  batchInstantQuery,
  BUCKET_LABEL,
  bucketWindowSums,
  combineWindowCounts,
  isAppendRun,
  planEvaluation,
  readEvaluationAnswer,
  REREAD_BUCKETS,
  SLO_LABEL,
  splitBatchAnswer,
  sumBucketWindow,
  withRunningTotals,
} from './evaluation-plan';
import { EventBucket } from './event-buckets';
import { COUNTER_LABEL, PrometheusVectorSample, WINDOW_LABEL } from './promql-queries';
import { SloIndicator } from './slo-indicator';
import { parseWindow } from './slo-window';

const indicator: SloIndicator = { kind: 'ratio', total: 'http_requests_total{job="api"}', bad: 'http_requests_total{job="api",code=~"5.."}' };
const goodIndicator: SloIndicator = { kind: 'ratio', total: 'http_requests_total{job="api"}', good: 'http_requests_total{job="api",code!~"5.."}' };
const ON_GRID = new Date('2025-03-03T12:00:00Z');
const MINUTE = 60_000;
const DAY = 86_400_000;

function sample(labels: Record<string, string>, value: number): PrometheusVectorSample {
  return { metric: labels, value: [ON_GRID.getTime() / 1000, String(value)] };
}

describe('planEvaluation', () => {
  it('backfills a new SLO with range queries up to the re-read buckets, and reads the rest in one instant query', () => {
    const plan = planEvaluation({ indicator, window: parseWindow('30d'), now: ON_GRID, coverage: null });
    expect(plan.bucketEnd).toEqual(ON_GRID);
    expect(plan.tailSeconds).toBe(0);
    const filled = plan.rangeQueries.reduce((sum, query) => sum + (query.end.getTime() - query.start.getTime()) / 300_000 + 1, 0);
    expect(filled).toBe(30 * 288 - REREAD_BUCKETS);
    expect(plan.rangeQueries[0].start).toEqual(new Date(ON_GRID.getTime() - 30 * DAY + 5 * MINUTE));
    expect(plan.rangeQueries[plan.rangeQueries.length - 1].end).toEqual(new Date(ON_GRID.getTime() - REREAD_BUCKETS * 5 * MINUTE));
    expect(plan.rereadBucketEnds).toEqual([0, 1].map((index) => new Date(ON_GRID.getTime() - index * 5 * MINUTE)));
    expect(plan.coverageAfter).toEqual({ from: new Date(ON_GRID.getTime() - 30 * DAY), until: ON_GRID });
    expect(plan.bucketWindows.map((window) => window.key)).toEqual(['1h', '2h', '6h', '1d', '3d', '30d']);
    expect(plan.windowKeys).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d']);
  });

  it('needs no range query in steady state: one instant query with raw windows and the last buckets, no 30-day scan', () => {
    const plan = planEvaluation({
      indicator,
      window: parseWindow('30d'),
      now: ON_GRID,
      coverage: { from: new Date(ON_GRID.getTime() - 30 * DAY - 5 * MINUTE), until: new Date(ON_GRID.getTime() - 5 * MINUTE) },
    });
    expect(plan.rangeQueries).toEqual([]);
    expect(plan.instantQuery).not.toMatch(/\[(30d|3d|1d|6h|2h|1h)\]/);
    expect(plan.instantQuery).toContain('[30m]');
    expect(plan.instantQuery).toContain('sum(increase(http_requests_total{job="api",code=~"5.."}[5m] offset 5m))');
    expect(plan.instantQuery.split(' or ')).toHaveLength(2 * (2 + REREAD_BUCKETS));
  });

  it('fills only the gap after missed evaluations, and the head when the window grew', () => {
    const gap = planEvaluation({
      indicator,
      window: parseWindow('28d'),
      now: ON_GRID,
      coverage: { from: new Date(ON_GRID.getTime() - 28 * DAY), until: new Date(ON_GRID.getTime() - 60 * MINUTE) },
    });
    expect(gap.rangeQueries.map((query) => [query.start, query.end])).toEqual([
      [new Date(ON_GRID.getTime() - 55 * MINUTE), new Date(ON_GRID.getTime() - 10 * MINUTE)],
    ]);
    const grown = planEvaluation({
      indicator,
      window: parseWindow('30d'),
      now: ON_GRID,
      coverage: { from: new Date(ON_GRID.getTime() - 28 * DAY), until: ON_GRID },
    });
    expect(grown.rangeQueries.map((query) => [query.start, query.end])).toEqual([
      [new Date(ON_GRID.getTime() - 30 * DAY + 5 * MINUTE), new Date(ON_GRID.getTime() - 28 * DAY)],
    ]);
  });

  it('covers 3 days of buckets for shorter SLO windows, since the 3d window is always shown', () => {
    const plan = planEvaluation({ indicator, window: parseWindow('1d'), now: ON_GRID, coverage: null });
    expect(plan.coverageAfter.from).toEqual(new Date(ON_GRID.getTime() - 3 * DAY));
    expect(plan.bucketWindows.map((window) => window.key)).toEqual(['1h', '2h', '6h', '1d', '3d']);
  });

  it('off the grid: reads the tail live, offsets the re-read buckets, and weighs the head bucket by its share', () => {
    const now = new Date(ON_GRID.getTime() + 2 * MINUTE + 500);
    const plan = planEvaluation({ indicator, window: parseWindow('28d'), now, coverage: null });
    expect(plan.now).toEqual(new Date(ON_GRID.getTime() + 2 * MINUTE));
    expect(plan.bucketEnd).toEqual(ON_GRID);
    expect(plan.tailSeconds).toBe(120);
    expect(plan.instantQuery).toContain('sum(increase(http_requests_total{job="api"}[2m]))');
    expect(plan.instantQuery).toContain('[5m] offset 2m))');
    expect(plan.instantQuery).toContain('[5m] offset 7m))');
    expect(plan.instantQuery).not.toContain('offset 12m');
    expect(plan.bucketWindows.find((window) => window.key === '1d')).toEqual({
      key: '1d',
      headStart: new Date(ON_GRID.getTime() - DAY),
      headFraction: 0.6,
    });
  });
});

describe('readEvaluationAnswer and combineWindowCounts', () => {
  const plan = planEvaluation({ indicator, window: parseWindow('28d'), now: new Date(ON_GRID.getTime() + 60_000), coverage: null });
  const end = (index: number): string => String(ON_GRID.getTime() / 1000 - index * 300);
  const answer = [
    sample({ [WINDOW_LABEL]: '5m', [COUNTER_LABEL]: 'total' }, 500),
    sample({ [WINDOW_LABEL]: '5m', [COUNTER_LABEL]: 'bad' }, 5),
    sample({ [WINDOW_LABEL]: '30m', [COUNTER_LABEL]: 'total' }, 3000),
    sample({ [WINDOW_LABEL]: 'tail', [COUNTER_LABEL]: 'total' }, 100),
    sample({ [WINDOW_LABEL]: 'tail', [COUNTER_LABEL]: 'bad' }, 1),
    sample({ [BUCKET_LABEL]: end(0), [COUNTER_LABEL]: 'total' }, 510),
    sample({ [BUCKET_LABEL]: end(0), [COUNTER_LABEL]: 'bad' }, 7),
    sample({ [BUCKET_LABEL]: end(1), [COUNTER_LABEL]: 'total' }, 490),
  ];

  it('splits raw windows, tail and re-read buckets; a counter without series counts 0', () => {
    const read = readEvaluationAnswer(indicator, plan, answer);
    expect(read.rawWindows.get('5m')).toEqual({ bad: 5, total: 500 });
    expect(read.rawWindows.get('30m')).toEqual({ bad: 0, total: 3000 });
    expect([...read.rawWindows.keys()]).toEqual(['5m', '30m']);
    expect(read.tail).toEqual({ bad: 1, total: 100 });
    expect(read.rereadBuckets).toEqual([
      { start: new Date(ON_GRID.getTime() - 300_000), bad: 7, total: 510 },
      { start: new Date(ON_GRID.getTime() - 600_000), bad: 0, total: 490 },
    ]);
  });

  it('adds the tail to every bucket window and keeps raw windows as answered', () => {
    const read = readEvaluationAnswer(indicator, plan, answer);
    const counts = combineWindowCounts(plan, read, new Map([['1d', { bad: 10, total: 100_000 }]]));
    expect(counts['1d']).toEqual({ bad: 11, total: 100_100 });
    expect(counts['28d']).toEqual({ bad: 1, total: 100 });
    expect(counts['5m']).toEqual({ bad: 5, total: 500 });
  });

  it('derives bad events from good ones for a good/total indicator', () => {
    const goodPlan = planEvaluation({ indicator: goodIndicator, window: parseWindow('28d'), now: ON_GRID, coverage: null });
    const read = readEvaluationAnswer(goodIndicator, goodPlan, [
      sample({ [WINDOW_LABEL]: '30m', [COUNTER_LABEL]: 'total' }, 1000),
      sample({ [WINDOW_LABEL]: '30m', [COUNTER_LABEL]: 'good' }, 990),
    ]);
    expect(read.rawWindows.get('30m')).toEqual({ bad: 10, total: 1000 });
    expect(read.tail).toEqual({ bad: 0, total: 0 });
  });

  it.each([
    ['an untagged series', sample({ [COUNTER_LABEL]: 'total' }, 1)],
    ['a NaN count', sample({ [WINDOW_LABEL]: '5m', [COUNTER_LABEL]: 'total' }, Number.NaN)],
    ['a negative count', sample({ [WINDOW_LABEL]: '5m', [COUNTER_LABEL]: 'total' }, -1)],
  ])('rejects %s', (_what, bad) => {
    expect(() => readEvaluationAnswer(indicator, plan, [bad])).toThrow(expect.objectContaining({ code: 'prometheus_result_invalid' }));
  });
});

describe('batchInstantQuery and splitBatchAnswer', () => {
  const plans = [indicator, goodIndicator].map((each) => planEvaluation({ indicator: each, window: parseWindow('28d'), now: ON_GRID, coverage: null }));

  it('tags each SLO of the batch, and sends a lone SLO untouched', () => {
    expect(batchInstantQuery([plans[0]])).toBe(plans[0].instantQuery);
    const query = batchInstantQuery(plans);
    expect(query).toBe(
      `label_replace((${plans[0].instantQuery}), "ballast_slo", "0", "", "") or label_replace((${plans[1].instantQuery}), "ballast_slo", "1", "", "")`,
    );
  });

  it('refuses plans of different evaluation times', () => {
    const later = planEvaluation({ indicator, window: parseWindow('28d'), now: new Date(ON_GRID.getTime() + 60_000), coverage: null });
    expect(() => batchInstantQuery([plans[0], later])).toThrow(RangeError);
  });

  it('splits the answer per SLO, and rejects series of no SLO of the batch', () => {
    const first = sample({ [SLO_LABEL]: '0', [WINDOW_LABEL]: '5m', [COUNTER_LABEL]: 'total' }, 10);
    const second = sample({ [SLO_LABEL]: '1', [WINDOW_LABEL]: '5m', [COUNTER_LABEL]: 'good' }, 9);
    expect(splitBatchAnswer([second, first], 2)).toEqual([[first], [second]]);
    expect(splitBatchAnswer([], 3)).toEqual([[], [], []]);
    expect(() => splitBatchAnswer([sample({ [SLO_LABEL]: '2' }, 1)], 2)).toThrow(expect.objectContaining({ code: 'prometheus_result_invalid' }));
  });
});

describe('sumBucketWindow', () => {
  const buckets: EventBucket[] = Array.from({ length: 12 }, (_, index) => ({
    start: new Date(ON_GRID.getTime() - (index + 1) * 300_000),
    bad: index,
    total: 100,
  }));

  it('sums counts (not ratios) of the buckets inside the window, the head weighted by its share', () => {
    const onGrid = planEvaluation({ indicator, window: parseWindow('1d'), now: ON_GRID, coverage: null });
    const window6h = onGrid.bucketWindows.find((window) => window.key === '6h');
    expect(sumBucketWindow(buckets, window6h!, onGrid.bucketEnd)).toEqual({ bad: 66, total: 1200 });

    const offGrid = planEvaluation({ indicator, window: parseWindow('1d'), now: new Date(ON_GRID.getTime() + 3 * MINUTE), coverage: null });
    const oneHour = { key: '6h' as const, headStart: new Date(ON_GRID.getTime() - 3_600_000), headFraction: offGrid.bucketWindows[0].headFraction };
    // The oldest bucket (index 11, bad 11) counts for 2 of its 5 minutes.
    expect(sumBucketWindow(buckets, oneHour, offGrid.bucketEnd)).toEqual({ bad: 55 + 0.4 * 11, total: 1100 + 40 });
  });
});

describe('running totals', () => {
  const bucketAt = (minutesBeforeGrid: number, bad: number, total: number): EventBucket => ({
    start: new Date(ON_GRID.getTime() - minutesBeforeGrid * MINUTE),
    bad,
    total,
  });

  it('recognises a gapless run ending at the newest bucket', () => {
    const run = [bucketAt(15, 0, 1), bucketAt(10, 0, 1), bucketAt(5, 0, 1)];
    expect(isAppendRun(run, ON_GRID)).toBe(true);
    expect(isAppendRun([run[0], run[2]], ON_GRID)).toBe(false);
    expect(isAppendRun(run.slice(0, 2), ON_GRID)).toBe(false);
    expect(isAppendRun([], ON_GRID)).toBe(false);
  });

  it('continues running totals from a base', () => {
    expect(withRunningTotals([bucketAt(10, 1, 10), bucketAt(5, 2, 20)], { bad: 5, total: 100 }).map((bucket) => [bucket.cumBad, bucket.cumTotal])).toEqual([
      [6, 110],
      [8, 130],
    ]);
  });

  it.each([0, 60, 180])('gives the same window sums as summing the buckets (now = grid + %is)', (offsetSeconds) => {
    const random = (
      (seed) => () =>
        (seed = (seed * 16807) % 2147483647) / 2147483647
    )(7);
    const buckets = Array.from({ length: 4 * 288 }, (_, index) =>
      bucketAt(5 * (index + 1), Math.floor(random() * 5), 500 + Math.floor(random() * 100)),
    ).reverse();
    const stored = withRunningTotals(buckets, { bad: 1234, total: 98765 });
    const plan = planEvaluation({ indicator, window: parseWindow('3d'), now: new Date(ON_GRID.getTime() + offsetSeconds * 1000), coverage: null });
    const before = (start: Date): { bad: number; total: number } => {
      const previous = stored.filter((bucket) => bucket.start < start).pop();
      return previous ? { bad: previous.cumBad, total: previous.cumTotal } : { bad: 1234, total: 98765 };
    };
    const at = (start: Date) => stored.find((bucket) => bucket.start.getTime() === start.getTime());
    const sums = bucketWindowSums(plan, before, at);
    for (const window of plan.bucketWindows) {
      const expected = sumBucketWindow(buckets, window, plan.bucketEnd);
      expect({ key: window.key, bad: sums.get(window.key)?.bad, total: sums.get(window.key)?.total }).toEqual({
        key: window.key,
        bad: expect.closeTo(expected.bad, 9),
        total: expect.closeTo(expected.total, 9),
      });
    }
  });
});
