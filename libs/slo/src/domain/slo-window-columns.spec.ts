import { SloValidationError } from './errors';
import { currentCalendarPeriod, parseSloWindow, sloWindowText } from './slo-window-columns';

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
