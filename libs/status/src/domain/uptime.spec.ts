import { type ComponentStatus, worstComponentStatus } from '@app/incidents';
import { dailyUptime, DOWNTIME_WEIGHT, formatUptimePercent, overallUptime, type StatusInterval } from './uptime';

const t = (iso: string) => new Date(iso);

/** The definition, day by day over every interval (slow and plain): what dailyUptime must equal. */
function referenceDay(intervals: readonly StatusInterval[], trackedSince: Date, now: Date, dayStart: number) {
  const windowStart = Math.max(dayStart, trackedSince.getTime());
  const windowEnd = Math.min(dayStart + 86_400_000, now.getTime());
  const date = new Date(dayStart).toISOString().slice(0, 10);
  if (windowEnd <= windowStart) return { date, observedSeconds: 0, uptime: null, worstStatus: null, secondsByStatus: {} };
  const millis = new Map<ComponentStatus, number>();
  // One-second steps: the worst status of the intervals covering each second, operational where none does.
  for (let second = windowStart; second < windowEnd; second += 1000) {
    const covering = intervals.filter((interval) => interval.from.getTime() <= second && (interval.to ? interval.to.getTime() : now.getTime()) >= second + 1000).map((interval) => interval.status);
    const status = covering.length > 0 ? worstComponentStatus(covering) : 'operational';
    millis.set(status, (millis.get(status) ?? 0) + 1000);
  }
  let downtime = 0;
  const secondsByStatus: Partial<Record<ComponentStatus, number>> = {};
  for (const [status, value] of millis) {
    downtime += value * DOWNTIME_WEIGHT[status];
    if (status !== 'operational') secondsByStatus[status] = value / 1000;
  }
  return { date, observedSeconds: (windowEnd - windowStart) / 1000, uptime: 1 - downtime / (windowEnd - windowStart), worstStatus: worstComponentStatus([...millis.keys()]), secondsByStatus };
}

describe('dailyUptime', () => {
  const now = t('2026-11-24T12:00:00Z');

  it('equals the second-by-second definition for random histories, overlapping and unordered ones included', () => {
    // Days of 10 minutes' worth of whole seconds would be slow: a short horizon of whole-minute boundaries instead.
    const statuses: ComponentStatus[] = ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'];
    let seed = 7;
    const random = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % below;
    };
    const end = t('2026-11-24T00:30:00Z');
    const minute = (index: number) => new Date(end.getTime() - (180 - index) * 60_000);
    for (let round = 0; round < 40; round++) {
      const intervals: StatusInterval[] = Array.from({ length: random(6) }, () => {
        const from = random(180);
        const open = random(5) === 0;
        return { status: statuses[random(statuses.length)], from: minute(from), to: open ? null : minute(Math.min(180, from + 1 + random(90))) };
      });
      const trackedSince = minute(random(60));
      const fast = dailyUptime({ intervals, trackedSince, now: end, days: 2 });
      const dayStarts = [Date.parse('2026-11-23T00:00:00Z'), Date.parse('2026-11-24T00:00:00Z')];
      const reference = dayStarts.map((dayStart) => referenceDay(intervals, trackedSince, end, dayStart));
      expect(fast.map(({ date, observedSeconds, worstStatus, secondsByStatus }) => ({ date, observedSeconds, worstStatus, secondsByStatus }))).toEqual(
        reference.map(({ date, observedSeconds, worstStatus, secondsByStatus }) => ({ date, observedSeconds, worstStatus, secondsByStatus })),
      );
      fast.forEach((day, index) => (day.uptime === null ? expect(reference[index].uptime).toBeNull() : expect(day.uptime).toBeCloseTo(reference[index].uptime as number, 12)));
    }
  });

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
