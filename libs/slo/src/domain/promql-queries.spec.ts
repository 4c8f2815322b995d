import { PrometheusResultError } from './errors';
import {
  buildBucketEventsQuery,
  buildWindowEventsQuery,
  increaseQuery,
  indicatorCounters,
  planBucketRangeQueries,
  PrometheusMatrixSeries,
  readBucketEvents,
  readWindowEvents,
} from './promql-queries';
import { SloIndicator } from './slo-indicator';

const withBad: SloIndicator = { kind: 'ratio', total: 'http_requests_total{service="checkout"}', bad: 'http_requests_total{service="checkout",code=~"5.."}' };
const withGood: SloIndicator = { kind: 'ratio', total: 'http_requests_total{service="checkout"}', good: "http_requests_total{service='checkout',code=~'2..'}" };
const latency: SloIndicator = { kind: 'latency', histogram: 'http_request_duration_seconds_bucket{service="checkout"}', threshold: '0.3' };

const NOW_SECONDS = Date.parse('2026-11-23T12:00:00Z') / 1000;

describe('indicatorCounters', () => {
  it('uses canonical selectors of a ratio indicator', () => {
    expect(indicatorCounters(withGood)).toEqual({
      total: 'http_requests_total{service="checkout"}',
      good: 'http_requests_total{service="checkout",code=~"2.."}',
    });
  });

  it('counts latency events from the threshold bucket and the +Inf bucket', () => {
    expect(indicatorCounters(latency)).toEqual({
      total: 'http_request_duration_seconds_bucket{service="checkout",le="+Inf"}',
      good: 'http_request_duration_seconds_bucket{service="checkout",le="0.3"}',
    });
  });
});

describe('increaseQuery', () => {
  it.each([
    [300, 'sum(increase(x{a="b"}[5m]))'],
    [86_400 * 28, 'sum(increase(x{a="b"}[28d]))'],
  ])('over %i seconds', (seconds, query) => {
    expect(increaseQuery('x{a="b"}', seconds)).toBe(query);
  });
});

describe('buildWindowEventsQuery', () => {
  it('asks for every window and counter in one query, each tagged', () => {
    expect(buildWindowEventsQuery(withBad, ['5m', '28d'])).toBe(
      [
        'label_replace(label_replace(sum(increase(http_requests_total{service="checkout"}[5m])), "ballast_counter", "total", "", ""), "ballast_window", "5m", "", "")',
        'label_replace(label_replace(sum(increase(http_requests_total{service="checkout",code=~"5.."}[5m])), "ballast_counter", "bad", "", ""), "ballast_window", "5m", "", "")',
        'label_replace(label_replace(sum(increase(http_requests_total{service="checkout"}[28d])), "ballast_counter", "total", "", ""), "ballast_window", "28d", "", "")',
        'label_replace(label_replace(sum(increase(http_requests_total{service="checkout",code=~"5.."}[28d])), "ballast_counter", "bad", "", ""), "ballast_window", "28d", "", "")',
      ].join(' or '),
    );
  });

  it('needs at least one window', () => {
    expect(() => buildWindowEventsQuery(withBad, [])).toThrow(RangeError);
  });
});

describe('readWindowEvents', () => {
  const sample = (window: string, counter: string, value: string) => ({
    metric: { ballast_window: window, ballast_counter: counter },
    value: [NOW_SECONDS, value] as const,
  });

  it('reads total and bad per window; a missing counter is zero events', () => {
    const counts = readWindowEvents(
      withBad,
      ['5m', '1h', '3d'],
      [
        sample('5m', 'total', '120'),
        sample('5m', 'bad', '3'),
        sample('1h', 'total', '1440'),
        // no bad series for 1h: no bad event was counted; no series at all for 3d.
      ],
    );
    expect(Object.fromEntries(counts)).toEqual({
      '5m': { bad: 3, total: 120 },
      '1h': { bad: 0, total: 1440 },
      '3d': { bad: 0, total: 0 },
    });
  });

  it('derives bad = total - good and clamps extrapolation noise into [0, total]', () => {
    const counts = readWindowEvents(
      withGood,
      ['5m', '1h', '1d'],
      [sample('5m', 'total', '100'), sample('5m', 'good', '97'), sample('1h', 'total', '100'), sample('1h', 'good', '100.4'), sample('1d', 'total', '50')],
    );
    expect(Object.fromEntries(counts)).toEqual({
      '5m': { bad: 3, total: 100 },
      '1h': { bad: 0, total: 100 },
      '1d': { bad: 50, total: 50 },
    });
  });

  it.each([['NaN'], ['+Inf'], ['-1'], ['abc']])('refuses a count of %s', (value) => {
    expect(() => readWindowEvents(withBad, ['5m'], [sample('5m', 'total', value)])).toThrow(PrometheusResultError);
  });

  it('refuses two answers for the same window and counter', () => {
    expect(() => readWindowEvents(withBad, ['5m'], [sample('5m', 'total', '1'), sample('5m', 'total', '2')])).toThrow(PrometheusResultError);
  });
});

describe('buildBucketEventsQuery', () => {
  it('asks for 5-minute increases of both counters', () => {
    expect(buildBucketEventsQuery(latency)).toBe(
      'label_replace(sum(increase(http_request_duration_seconds_bucket{service="checkout",le="+Inf"}[5m])), "ballast_counter", "total", "", "")' +
        ' or label_replace(sum(increase(http_request_duration_seconds_bucket{service="checkout",le="0.3"}[5m])), "ballast_counter", "good", "", "")',
    );
  });
});

describe('planBucketRangeQueries', () => {
  const now = new Date(NOW_SECONDS * 1000);
  const daysBefore = (days: number): Date => new Date(now.getTime() - days * 86_400_000);

  it('covers a 30d window with one query of 8640 bucket ends on the 5-minute grid', () => {
    const [plan, ...rest] = planBucketRangeQueries(withBad, { from: daysBefore(30), to: now });
    expect(rest).toEqual([]);
    expect(plan.stepSeconds).toBe(300);
    expect(plan.start.toISOString()).toBe(new Date(daysBefore(30).getTime() + 300_000).toISOString());
    expect(plan.end).toEqual(now);
    expect((plan.end.getTime() - plan.start.getTime()) / 300_000 + 1).toBe(8640);
    expect(plan.query).toBe(buildBucketEventsQuery(withBad));
  });

  it('splits a 90d backfill into contiguous queries under the point limit', () => {
    const plans = planBucketRangeQueries(withBad, { from: daysBefore(90), to: now });
    const points = plans.map((plan) => (plan.end.getTime() - plan.start.getTime()) / 300_000 + 1);
    expect(points).toEqual([10_000, 10_000, 5920]);
    for (let index = 1; index < plans.length; index += 1) {
      expect(plans[index].start.getTime() - plans[index - 1].end.getTime()).toBe(300_000);
    }
  });

  it('only plans buckets that lie entirely inside (from, to]', () => {
    const from = new Date(now.getTime() - 17 * 60_000 - 1000); // 11:42:59
    const to = new Date(now.getTime() + 4 * 60_000); // 12:04
    const [plan] = planBucketRangeQueries(withBad, { from, to });
    // Buckets (11:45, 11:50], (11:50, 11:55], (11:55, 12:00]: bucket ends 11:50 .. 12:00.
    expect([plan.start.toISOString(), plan.end.toISOString()]).toEqual(['2026-11-23T11:50:00.000Z', '2026-11-23T12:00:00.000Z']);
  });

  it('plans nothing when no whole bucket fits', () => {
    expect(planBucketRangeQueries(withBad, { from: new Date(now.getTime() - 60_000), to: now })).toEqual([]);
  });
});

describe('readBucketEvents', () => {
  const plan = { start: new Date((NOW_SECONDS - 600) * 1000), end: new Date(NOW_SECONDS * 1000), stepSeconds: 300 };

  it('turns each evaluation time t into the bucket (t - 5m, t], zero-filled', () => {
    const result: PrometheusMatrixSeries[] = [
      {
        metric: { ballast_counter: 'total' },
        values: [
          [NOW_SECONDS - 600, '10'],
          [NOW_SECONDS, '30'],
        ],
      },
      { metric: { ballast_counter: 'bad' }, values: [[NOW_SECONDS, '2']] },
    ];
    expect(readBucketEvents(withBad, plan, result)).toEqual([
      { start: new Date((NOW_SECONDS - 900) * 1000), bad: 0, total: 10 },
      { start: new Date((NOW_SECONDS - 600) * 1000), bad: 0, total: 0 },
      { start: new Date((NOW_SECONDS - 300) * 1000), bad: 2, total: 30 },
    ]);
  });

  it('refuses points off the planned grid', () => {
    const result: PrometheusMatrixSeries[] = [{ metric: { ballast_counter: 'total' }, values: [[NOW_SECONDS - 30, '1']] }];
    expect(() => readBucketEvents(withBad, plan, result)).toThrow(PrometheusResultError);
  });
});
