import {
  calendarErrorBudgetRemaining,
  calendarPeriodAt,
  calendarTimeZone,
  isCalendarWindow,
  longestCalendarPeriodSeconds,
  validateTimeZone,
} from './calendar-window';
import { SloValidationError } from './errors';

const HOUR = 3600;

describe('calendarPeriodAt', () => {
  it('gives the UTC month containing now, ending at the next 1st', () => {
    const period = calendarPeriodAt('month', 'UTC', new Date('2026-02-14T10:00:00Z'));
    expect(period.start.toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(period.end.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(period.seconds).toBe(28 * 24 * HOUR);
  });

  it('rolls December over into January of the next year', () => {
    const period = calendarPeriodAt('month', 'UTC', new Date('2026-12-31T23:59:59Z'));
    expect(period.start.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(period.end.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('starts a new period exactly at local midnight of the 1st', () => {
    expect(calendarPeriodAt('month', 'UTC', new Date('2026-03-01T00:00:00Z')).start.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(calendarPeriodAt('month', 'UTC', new Date('2026-02-28T23:59:59.999Z')).start.toISOString()).toBe('2026-02-01T00:00:00.000Z');
  });

  it('uses the local date of the time zone, not the UTC date', () => {
    // 23:30 UTC on 31 January is already 1 February 00:30 in Berlin.
    const period = calendarPeriodAt('month', 'Europe/Berlin', new Date('2026-01-31T23:30:00Z'));
    expect(period.start.toISOString()).toBe('2026-01-31T23:00:00.000Z');
    expect(period.end.toISOString()).toBe('2026-02-28T23:00:00.000Z');
    // New York is still in January.
    expect(calendarPeriodAt('month', 'America/New_York', new Date('2026-02-01T03:00:00Z')).start.toISOString()).toBe('2026-01-01T05:00:00.000Z');
  });

  it('gives ISO weeks starting on Monday', () => {
    // 2026-12-06 is a Sunday.
    const period = calendarPeriodAt('week', 'UTC', new Date('2026-12-06T12:00:00Z'));
    expect(period.start.toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(period.end.toISOString()).toBe('2026-12-07T00:00:00.000Z');
    expect(calendarPeriodAt('week', 'UTC', new Date('2026-12-07T00:00:00Z')).start.toISOString()).toBe('2026-12-07T00:00:00.000Z');
  });

  it('is DST-correct: a Berlin week across the spring switch lasts 167 hours, across the autumn switch 169', () => {
    // Clocks go forward on Sunday 29 March 2026 and back on Sunday 25 October 2026.
    const spring = calendarPeriodAt('week', 'Europe/Berlin', new Date('2026-03-27T12:00:00Z'));
    expect(spring.start.toISOString()).toBe('2026-03-22T23:00:00.000Z');
    expect(spring.end.toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(spring.seconds).toBe(167 * HOUR);
    const autumn = calendarPeriodAt('week', 'Europe/Berlin', new Date('2026-10-21T12:00:00Z'));
    expect(autumn.start.toISOString()).toBe('2026-10-18T22:00:00.000Z');
    expect(autumn.end.toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(autumn.seconds).toBe(169 * HOUR);
  });

  it('gives quarters starting in January, April, July and October', () => {
    expect(calendarPeriodAt('quarter', 'UTC', new Date('2026-05-20T00:00:00Z'))).toMatchObject({
      start: new Date('2026-04-01T00:00:00Z'),
      end: new Date('2026-07-01T00:00:00Z'),
      seconds: 91 * 24 * HOUR,
    });
    const q4 = calendarPeriodAt('quarter', 'UTC', new Date('2026-12-06T00:00:00Z'));
    expect([q4.start.toISOString(), q4.end.toISOString()]).toEqual(['2026-10-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
    expect(q4.seconds).toBe(92 * 24 * HOUR);
  });

  it('starts at the end of the gap where local midnight does not exist', () => {
    // Santiago de Chile skips from 24:00 to 01:00 on 6 September 2026 (UTC-4 → UTC-3).
    const period = calendarPeriodAt('week', 'America/Santiago', new Date('2026-09-09T12:00:00Z'));
    expect(period.start.toISOString()).toBe('2026-09-07T03:00:00.000Z');
    const month = calendarPeriodAt('month', 'America/Santiago', new Date('2026-09-09T12:00:00Z'));
    expect(month.start.toISOString()).toBe('2026-09-01T04:00:00.000Z');
  });

  it('bounds every period by the longest one', () => {
    for (const window of ['week', 'month', 'quarter'] as const) {
      for (const iso of ['2026-01-15T00:00:00Z', '2026-03-30T00:00:00Z', '2026-08-31T00:00:00Z', '2026-10-26T00:00:00Z']) {
        expect(calendarPeriodAt(window, 'Europe/Berlin', new Date(iso)).seconds).toBeLessThanOrEqual(longestCalendarPeriodSeconds(window));
      }
    }
  });
});

describe('time zones', () => {
  it('accepts IANA names as written and defaults to UTC', () => {
    expect(validateTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(calendarTimeZone(undefined)).toBe('UTC');
    expect(calendarTimeZone('Asia/Kathmandu')).toBe('Asia/Kathmandu');
  });

  it.each<[unknown]>([['Mars/Olympus_Mons'], [''], [42], ['Europe/Berlin; DROP']])('rejects %p naming the field', (value) => {
    const attempt = (): unknown => validateTimeZone(value, 'timeZone');
    expect(attempt).toThrow(SloValidationError);
    expect(attempt).toThrow(expect.objectContaining({ field: 'timeZone' }));
  });

  it('knows the calendar window names', () => {
    expect(['week', 'month', 'quarter'].every(isCalendarWindow)).toBe(true);
    expect(isCalendarWindow('year')).toBe(false);
    expect(isCalendarWindow('28d')).toBe(false);
  });
});

describe('calendarErrorBudgetRemaining', () => {
  const period = calendarPeriodAt('month', 'UTC', new Date('2026-04-10T00:00:00Z'));

  it('counts the allowed bad events of the whole period: a quarter through April, e = B spends a quarter of the budget', () => {
    const now = new Date(period.start.getTime() + (period.seconds / 4) * 1000);
    expect(calendarErrorBudgetRemaining(0.001, 0.001, period, now)).toBeCloseTo(0.75, 12);
  });

  it('equals the rolling formula at the end of the period and the full budget at its start', () => {
    expect(calendarErrorBudgetRemaining(0.002, 0.001, period, period.end)).toBeCloseTo(-1, 12);
    expect(calendarErrorBudgetRemaining(0.002, 0.001, period, period.start)).toBe(1);
    expect(calendarErrorBudgetRemaining(null, 0.001, period, period.end)).toBeNull();
  });
});
