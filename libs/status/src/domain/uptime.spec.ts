import { dailyUptime, formatUptimePercent, overallUptime } from './uptime';

const t = (iso: string) => new Date(iso);

describe('dailyUptime', () => {
  const now = t('2026-11-24T12:00:00Z');

  it('has no data before the component existed and counts only the observed part of days', () => {
    const days = dailyUptime({ intervals: [], trackedSince: t('2026-11-23T18:00:00Z'), now, days: 3 });
    expect(days.map((day) => day.date)).toEqual(['2026-11-22', '2026-11-23', '2026-11-24']);
    expect(days[0]).toEqual({ date: '2026-11-22', observedSeconds: 0, uptime: null, worstStatus: null, secondsByStatus: {} });
    expect(days[1].observedSeconds).toBe(6 * 3600);
    expect(days[2].observedSeconds).toBe(12 * 3600);
    expect(days[1].uptime).toBe(1);
    expect(days[1].worstStatus).toBe('operational');
  });

  it('weights a major outage fully, a partial outage at 30%, and not degraded performance or maintenance', () => {
    const days = dailyUptime({
      intervals: [
        { status: 'operational', from: t('2026-11-01T00:00:00Z'), to: t('2026-11-23T01:00:00Z') },
        { status: 'major_outage', from: t('2026-11-23T01:00:00Z'), to: t('2026-11-23T02:00:00Z') },
        { status: 'partial_outage', from: t('2026-11-23T02:00:00Z'), to: t('2026-11-23T04:00:00Z') },
        { status: 'degraded_performance', from: t('2026-11-23T04:00:00Z'), to: t('2026-11-23T08:00:00Z') },
        { status: 'under_maintenance', from: t('2026-11-23T08:00:00Z'), to: t('2026-11-23T09:00:00Z') },
        { status: 'operational', from: t('2026-11-23T09:00:00Z'), to: null },
      ],
      trackedSince: t('2026-11-01T00:00:00Z'),
      now,
      days: 2,
    });
    const [yesterday, today] = days;
    expect(yesterday.uptime).toBeCloseTo(1 - (3600 + 0.3 * 7200) / 86400, 10);
    expect(yesterday.worstStatus).toBe('major_outage');
    expect(yesterday.secondsByStatus).toEqual({ major_outage: 3600, partial_outage: 7200, degraded_performance: 14400, under_maintenance: 3600 });
    expect(today.uptime).toBe(1);
  });

  it('splits a stretch that crosses midnight and keeps an open stretch running until now', () => {
    const days = dailyUptime({ intervals: [{ status: 'major_outage', from: t('2026-11-23T23:00:00Z'), to: null }], trackedSince: t('2026-11-01T00:00:00Z'), now, days: 2 });
    expect(days[0].secondsByStatus).toEqual({ major_outage: 3600 });
    expect(days[1].secondsByStatus).toEqual({ major_outage: 12 * 3600 });
    expect(days[1].uptime).toBe(0);
  });

  it('resolves overlapping stretches by the worst status', () => {
    const days = dailyUptime({
      intervals: [
        { status: 'degraded_performance', from: t('2026-11-24T00:00:00Z'), to: t('2026-11-24T02:00:00Z') },
        { status: 'major_outage', from: t('2026-11-24T01:00:00Z'), to: t('2026-11-24T03:00:00Z') },
      ],
      trackedSince: t('2026-11-01T00:00:00Z'),
      now,
      days: 1,
    });
    expect(days[0].secondsByStatus).toEqual({ degraded_performance: 3600, major_outage: 7200 });
  });

  it('rejects a non-positive number of days', () => {
    expect(() => dailyUptime({ intervals: [], trackedSince: now, now, days: 0 })).toThrow(RangeError);
  });
});

describe('overallUptime and formatting', () => {
  it('weights days by observed time and ignores days without data', () => {
    expect(
      overallUptime([
        { date: 'a', observedSeconds: 0, uptime: null, worstStatus: null, secondsByStatus: {} },
        { date: 'b', observedSeconds: 100, uptime: 0.5, worstStatus: 'major_outage', secondsByStatus: {} },
        { date: 'c', observedSeconds: 300, uptime: 1, worstStatus: 'operational', secondsByStatus: {} },
      ]),
    ).toBeCloseTo(0.875, 10);
    expect(overallUptime([])).toBeNull();
  });

  it('never rounds a bad day up to 100%', () => {
    expect(formatUptimePercent(1)).toBe('100%');
    expect(formatUptimePercent(0.99999)).toBe('99.99%');
    expect(formatUptimePercent(0.5)).toBe('50.00%');
    expect(formatUptimePercent(null)).toBe('no data');
  });
});
