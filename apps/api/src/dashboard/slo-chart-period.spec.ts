import { sloChartRange } from './slo-chart-period';

const NOW = new Date('2026-12-06T12:00:00Z');
const rolling = { windowDays: 28, windowCalendar: null, windowTimeZone: null };
const berlinWeek = { windowDays: 7, windowCalendar: 'week' as const, windowTimeZone: 'Europe/Berlin' };

describe('sloChartRange', () => {
  it('charts the rolling window by default and N days for 7d/28d/90d', () => {
    expect(sloChartRange(rolling, undefined, NOW)).toMatchObject({ range: {}, label: '28d' });
    expect(sloChartRange(rolling, '90d', NOW).range).toEqual({ from: new Date('2026-09-07T12:00:00Z'), to: NOW });
    expect(sloChartRange(berlinWeek, '7d', NOW).range).toEqual({ from: new Date('2026-11-29T12:00:00Z'), to: NOW });
  });

  it('charts the current calendar period of a calendar SLO by default and for period=calendar', () => {
    // Sunday 6 December: the Berlin week started on Monday 30 November, 00:00 CET.
    for (const period of [undefined, 'calendar']) {
      const chart = sloChartRange(berlinWeek, period, NOW);
      expect(chart.range).toEqual({ from: new Date('2026-11-29T23:00:00Z'), to: NOW });
      expect(chart.label).toBe('calendar week since 2026-11-29 23:00 UTC (Europe/Berlin)');
    }
  });

  it('charts the current UTC month for period=calendar on a rolling SLO', () => {
    expect(sloChartRange(rolling, 'calendar', NOW).range).toEqual({ from: new Date('2026-12-01T00:00:00Z'), to: NOW });
  });
});
