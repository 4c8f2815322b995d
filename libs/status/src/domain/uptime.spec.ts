import { type ComponentStatus, worstComponentStatus } from '@app/incidents';
import { seededRandom } from '../../../../test/support/seeded-random';
import { dailyUptime, DOWNTIME_WEIGHT, formatUptimePercent, overallUptime, type StatusInterval } from './uptime';

const t = (iso: string) => new Date(iso);

/**
 * The definition, minute by minute over every interval (slow and plain): what
 * dailyUptime must equal when every boundary falls on a whole minute.
 */
function referenceDay(intervals: readonly StatusInterval[], trackedSince: Date, now: Date, dayStart: number) {
  const windowStart = Math.max(dayStart, trackedSince.getTime());
  const windowEnd = Math.min(dayStart + 86_400_000, now.getTime());
  const date = new Date(dayStart).toISOString().slice(0, 10);
  if (windowEnd <= windowStart) return { date, observedSeconds: 0, uptime: null, worstStatus: null, secondsByStatus: {} };
  const millis = new Map<ComponentStatus, number>();
  // The worst status of the intervals covering each minute, operational where none does.
  for (let minute = windowStart; minute < windowEnd; minute += 60_000) {
    const covering = intervals
      .filter(
        (interval) => interval.from.getTime() <= minute && Math.min(interval.to ? interval.to.getTime() : now.getTime(), now.getTime()) >= minute + 60_000,
      )
      .map((interval) => interval.status);
    const status = covering.length > 0 ? worstComponentStatus(covering) : 'operational';
    millis.set(status, (millis.get(status) ?? 0) + 60_000);
  }
  let downtime = 0;
  const secondsByStatus: Partial<Record<ComponentStatus, number>> = {};
  for (const [status, value] of millis) {
    downtime += value * DOWNTIME_WEIGHT[status];
    if (status !== 'operational') secondsByStatus[status] = value / 1000;
  }
  return {
    date,
    observedSeconds: (windowEnd - windowStart) / 1000,
    uptime: 1 - downtime / (windowEnd - windowStart),
    worstStatus: worstComponentStatus([...millis.keys()]),
    secondsByStatus,
  };
}

describe('dailyUptime', () => {
  const now = t('2026-11-24T12:00:00Z');

  it('equals the minute-by-minute definition for random histories: overlapping, unordered, open, multi-day and single all-day intervals', () => {
    const statuses: ComponentStatus[] = ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'];
    const random = seededRandom(7);
    const DAYS = 4;
    // now mid-day on the last day, or exactly at midnight (the last day then has nothing observed).
    for (let round = 0; round < 120; round++) {
      const end = new Date(Date.parse('2026-11-24T00:00:00Z') + (round % 10 === 0 ? 0 : random(24 * 60) * 60_000));
      const horizonStart = Date.parse('2026-11-24T00:00:00Z') - (DAYS - 1) * 86_400_000;
      const minute = (index: number) => new Date(horizonStart + index * 60_000);
      const span = Math.round((end.getTime() - horizonStart) / 60_000);
      const intervals: StatusInterval[] = Array.from({ length: random(5) }, () => {
        const from = random(span + 1);
        const kind = random(6);
        // Open, past the horizon's end, exactly one day, or a few minutes to two days long.
        const to =
          kind === 0
            ? null
            : kind === 1
              ? minute(span + 30)
              : kind === 2
                ? minute(Math.floor(from / 1440) * 1440 + 1440)
                : minute(Math.min(span + 10, from + 1 + random(2880)));
        return { status: statuses[random(statuses.length)], from: kind === 2 ? minute(Math.floor(from / 1440) * 1440) : minute(from), to };
      });
      // Tracked from before the horizon, or from somewhere inside it (days with no data first).
      const trackedSince = random(3) === 0 ? new Date(horizonStart - 86_400_000) : minute(random(span + 1));
      const fast = dailyUptime({ intervals, trackedSince, now: end, days: DAYS });
      const reference = Array.from({ length: DAYS }, (_, index) => referenceDay(intervals, trackedSince, end, horizonStart + index * 86_400_000));
      expect(fast).toEqual(reference);
      fast.forEach((day, index) => {
        // Bit for bit, and the statuses in the same order (they end up in JSON, hashed for the ETags).
        expect(Object.is(day.uptime, reference[index].uptime)).toBe(true);
        expect(Object.keys(day.secondsByStatus)).toEqual(Object.keys(reference[index].secondsByStatus));
      });
    }
  });

  it.each(['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'] as ComponentStatus[])(
    'gives a day spent all in %s its status and weight',
    (status) => {
      const [day] = dailyUptime({
        intervals: [{ status, from: t('2026-11-22T00:00:00Z'), to: t('2026-11-24T00:00:00Z') }],
        trackedSince: t('2026-11-01T00:00:00Z'),
        now,
        days: 2,
      });
      expect(day).toEqual({
        date: '2026-11-23',
        observedSeconds: 86_400,
        uptime: 1 - DOWNTIME_WEIGHT[status],
        worstStatus: status,
        secondsByStatus: status === 'operational' ? {} : { [status]: 86_400 },
      });
    },
  );

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
    const days = dailyUptime({
      intervals: [{ status: 'major_outage', from: t('2026-11-23T23:00:00Z'), to: null }],
      trackedSince: t('2026-11-01T00:00:00Z'),
      now,
      days: 2,
    });
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
