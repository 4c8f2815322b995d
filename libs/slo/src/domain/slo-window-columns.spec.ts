import { SloValidationError } from './errors';
import { currentCalendarPeriod, lastGoodCountsAt, parseSloWindow, sloWindowText } from './slo-window-columns';

describe('parseSloWindow', () => {
  it('reads rolling and calendar windows', () => {
    expect(parseSloWindow('28d', undefined)).toEqual({ windowDays: 28, windowCalendar: null, windowTimeZone: null });
    expect(parseSloWindow('month', undefined)).toEqual({ windowDays: 30, windowCalendar: 'month', windowTimeZone: 'UTC' });
    expect(parseSloWindow('week', 'Europe/Berlin')).toEqual({ windowDays: 7, windowCalendar: 'week', windowTimeZone: 'Europe/Berlin' });
    expect(parseSloWindow('quarter', null)).toMatchObject({ windowDays: 90, windowCalendar: 'quarter' });
  });

  it.each<[unknown, unknown, string]>([
    ['month', 'Mars/Olympus_Mons', 'timeZone'],
    ['28d', 'Europe/Berlin', 'timeZone'],
    ['year', undefined, 'window'],
    ['91d', undefined, 'window'],
    [30, undefined, 'window'],
  ])('rejects window %p with time zone %p naming %s', (window, timeZone, field) => {
    const attempt = (): unknown => parseSloWindow(window, timeZone);
    expect(attempt).toThrow(SloValidationError);
    expect(attempt).toThrow(expect.objectContaining({ field }));
  });

  it('names the window in the API form and gives calendar SLOs their current period', () => {
    const calendar = parseSloWindow('month', 'UTC');
    expect(sloWindowText(calendar)).toBe('month');
    expect(sloWindowText(parseSloWindow('7d', undefined))).toBe('7d');
    expect(currentCalendarPeriod(calendar, new Date('2026-12-06T12:00:00Z'))?.start).toEqual(new Date('2026-12-01T00:00:00Z'));
    expect(currentCalendarPeriod(parseSloWindow('7d', undefined), new Date())).toBeUndefined();
  });
});

describe('lastGoodCountsAt', () => {
  const counts = { '5m': { bad: 0, total: 1 }, month: { bad: 5, total: 100 } };
  const month = { ...parseSloWindow('month', 'UTC'), lastSuccessAt: new Date('2026-11-30T23:55:00Z') };

  it('drops the SLO window of a period that is over, keeps it within the period and for rolling SLOs', () => {
    expect(lastGoodCountsAt(month, counts, new Date('2026-12-01T00:10:00Z'))).toEqual({ '5m': { bad: 0, total: 1 } });
    expect(lastGoodCountsAt(month, counts, new Date('2026-11-30T23:59:00Z'))).toEqual(counts);
    expect(lastGoodCountsAt({ ...parseSloWindow('28d', undefined), lastSuccessAt: null }, { '28d': { bad: 1, total: 2 } }, new Date())).toEqual({
      '28d': { bad: 1, total: 2 },
    });
  });
});
