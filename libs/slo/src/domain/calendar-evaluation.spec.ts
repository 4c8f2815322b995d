import { calendarPeriodAt } from './calendar-window';
import { bucketWindowSums, planEvaluation, sumBucketWindow, withRunningTotals } from './evaluation-plan';
import { EventBucket } from './event-buckets';
import { SloIndicator } from './slo-indicator';
import { historyBucketStartsNeeded, historyFromBuckets } from './slo-history';
import { evaluateSloStatus } from './slo-status';
import { windowOfDays } from './slo-window';

const indicator: SloIndicator = { kind: 'ratio', total: 'http_requests_total{job="api"}', bad: 'http_requests_total{job="api",code=~"5.."}' };
const BUCKET = 300_000;

describe('a calendar window in the evaluation plan', () => {
  const now = new Date('2026-12-03T10:02:30Z');
  const period = calendarPeriodAt('month', 'UTC', now);

  it('sums the buckets since the period start (whole head bucket) and covers at least the period', () => {
    const plan = planEvaluation({ indicator, window: windowOfDays(30), now, coverage: null, calendarPeriod: period });
    const monthWindow = plan.bucketWindows.find((window) => window.key === 'month');
    expect(monthWindow).toEqual({ key: 'month', headStart: new Date('2026-12-01T00:00:00Z'), headFraction: 1 });
    expect(plan.windowKeys).toContain('month');
    expect(plan.windowKeys).not.toContain('30d');
    expect(plan.coverageAfter.from.getTime()).toBeLessThanOrEqual(period.start.getTime());
  });

  it('covers the whole period when it is longer than the nominal window (day 31 of a month)', () => {
    const late = new Date('2026-12-31T23:00:00Z');
    const plan = planEvaluation({ indicator, window: windowOfDays(30), now: late, coverage: null, calendarPeriod: calendarPeriodAt('month', 'UTC', late) });
    expect(plan.coverageAfter.from).toEqual(new Date('2026-12-01T00:00:00Z'));
  });

  it('starts afresh: buckets of the previous period do not count', () => {
    const plan = planEvaluation({ indicator, window: windowOfDays(30), now, coverage: null, calendarPeriod: period });
    const buckets: EventBucket[] = [];
    // November: every bucket bad; December: 1 bad of 1000 per bucket.
    for (let start = Date.parse('2026-11-25T00:00:00Z'); start < plan.bucketEnd.getTime(); start += BUCKET) {
      const december = start >= period.start.getTime();
      buckets.push({ start: new Date(start), bad: december ? 1 : 1000, total: 1000 });
    }
    const run = withRunningTotals(buckets, { bad: 0, total: 0 });
    const before = (start: Date) => {
      const last = [...run].reverse().find((bucket) => bucket.start.getTime() < start.getTime());
      return last ? { bad: last.cumBad, total: last.cumTotal } : { bad: 0, total: 0 };
    };
    const at = (start: Date) => buckets.find((bucket) => bucket.start.getTime() === start.getTime());
    const sums = bucketWindowSums(plan, before, at);
    const monthWindow = plan.bucketWindows.find((window) => window.key === 'month');
    expect(sums.get('month')).toEqual(sumBucketWindow(buckets, monthWindow!, plan.bucketEnd));
    const decemberBuckets = (plan.bucketEnd.getTime() - period.start.getTime()) / BUCKET;
    expect(sums.get('month')).toEqual({ bad: decemberBuckets, total: decemberBuckets * 1000 });
  });
});

describe('the status of a calendar SLO', () => {
  const now = new Date('2026-12-08T00:00:00Z');
  const period = calendarPeriodAt('month', 'UTC', now);
  const counts = { '5m': { bad: 0, total: 100 }, '30m': { bad: 0, total: 600 }, month: { bad: 1, total: 1000 } };

  it('shows the window, the period and its time zone, and spends the budget of the whole period', () => {
    const status = evaluateSloStatus({ sloId: 's', objective: 0.999, window: 'month', now, counts, period });
    expect(status).toMatchObject({
      window: 'month',
      timeZone: 'UTC',
      periodStart: '2026-12-01T00:00:00.000Z',
      periodEnd: '2027-01-01T00:00:00.000Z',
      sli: 0.999,
    });
    // e = B after 7 of 31 days: 7/31 of the budget spent.
    expect(status.errorBudgetRemaining).toBeCloseTo(1 - 7 / 31, 9);
    expect(Object.keys(status.windows)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', 'month']);
  });

  it('scales the burn-rate tiers to the period length (31 days: 14.4 × 31/30)', () => {
    const status = evaluateSloStatus({ sloId: 's', objective: 0.999, window: 'month', now, counts, period });
    expect(status.alerts[0].factor).toBeCloseTo((0.02 * 31 * 24) / 1, 9);
  });

  it('reports the events excluded for maintenance', () => {
    const status = evaluateSloStatus({ sloId: 's', objective: 0.999, window: 'month', now, counts, period, excludedEvents: { bad: 5, total: 50 } });
    expect(status.excludedEvents).toEqual({ bad: 5, total: 50 });
  });
});

describe('history of a calendar SLO derived from its buckets', () => {
  // February: 10% bad; March: 0.1% bad; 1000 events per bucket.
  const rows: Array<{ start: Date; bad: number; total: number; cumBad: number; cumTotal: number }> = [];
  let cumBad = 0;
  let cumTotal = 0;
  for (let start = Date.parse('2026-02-25T00:00:00Z'); start < Date.parse('2026-03-03T00:00:00Z'); start += BUCKET) {
    const bad = start >= Date.parse('2026-03-01T00:00:00Z') ? 1 : 100;
    cumBad += bad;
    cumTotal += 1000;
    rows.push({ start: new Date(start), bad, total: 1000, cumBad, cumTotal });
  }
  const input = {
    sloId: 's',
    objective: 0.99,
    window: '30d',
    from: new Date('2026-02-26T00:00:00Z'),
    to: new Date('2026-03-03T00:00:00Z'),
    stepSeconds: 86_400,
    rows,
    calendar: { window: 'month' as const, timeZone: 'UTC' },
  };

  it('measures each step over its own period: the budget starts afresh on the 1st', () => {
    const points = historyFromBuckets(input);
    const at = (iso: string) => points.find((point) => point.time.toISOString() === iso)?.status;
    expect(at('2026-02-27T00:00:00.000Z')).toMatchObject({ window: 'month', periodStart: '2026-02-01T00:00:00.000Z' });
    expect(at('2026-02-27T00:00:00.000Z')?.sli).toBeCloseTo(0.9, 12);
    expect(at('2026-03-01T00:00:00.000Z')).toMatchObject({ periodStart: '2026-03-01T00:00:00.000Z' });
    expect(at('2026-03-01T00:00:00.000Z')?.sli).toBeCloseTo(0.999, 12);
    expect(at('2026-03-01T00:00:00.000Z')?.errorBudgetRemaining).toBeGreaterThan(0.9);
  });

  it('reads the buckets at the period starts too', () => {
    const needed = historyBucketStartsNeeded({ ...input, firstStart: rows[0].start }).map((start) => start.toISOString());
    expect(needed).toContain('2026-02-28T23:55:00.000Z');
    const points = historyFromBuckets(input);
    const neededRows = rows.filter((row) => needed.includes(row.start.toISOString()));
    expect(historyFromBuckets({ ...input, rows: [rows[0], ...neededRows.filter((row) => row !== rows[0])] })).toEqual(points);
  });
});
