import {
  CALENDAR_NOMINAL_DAYS,
  CALENDAR_WINDOWS,
  CalendarPeriod,
  calendarPeriodAt,
  calendarTimeZone,
  CalendarWindow,
  isCalendarWindow,
} from './calendar-window';
import { describeValue, SloValidationError } from './errors';
import { MAX_WINDOW_DAYS, MIN_WINDOW_DAYS, parseWindow } from './slo-window';

/** How an SLO's window is stored: rolling days, or a calendar window with its time zone (and nominal days). */
export interface SloWindowColumns {
  readonly windowDays: number;
  readonly windowCalendar: CalendarWindow | null;
  readonly windowTimeZone: string | null;
}

/**
 * Reads `window` (`Nd`, `week`, `month`, `quarter`) and `timeZone` (IANA,
 * calendar windows only, default UTC).
 */
export function parseSloWindow(window: unknown, timeZone: unknown, fields = { window: 'window', timeZone: 'timeZone' }): SloWindowColumns {
  if (isCalendarWindow(window)) {
    return { windowDays: CALENDAR_NOMINAL_DAYS[window], windowCalendar: window, windowTimeZone: calendarTimeZone(timeZone, fields.timeZone) };
  }
  if (typeof window !== 'string' || !/^[1-9][0-9]*d$/.test(window)) {
    throw new SloValidationError(
      fields.window,
      `${fields.window} must be a rolling window "Nd" with N between ${MIN_WINDOW_DAYS} and ${MAX_WINDOW_DAYS} or a calendar window (${CALENDAR_WINDOWS.join(', ')}), got ${describeValue(window)}`,
    );
  }
  const days = parseWindow(window, fields.window).days;
  if (timeZone !== undefined && timeZone !== null) {
    throw new SloValidationError(fields.timeZone, `${fields.timeZone} applies to calendar windows (${CALENDAR_WINDOWS.join(', ')}) only, not to ${window}`);
  }
  return { windowDays: days, windowCalendar: null, windowTimeZone: null };
}

/** The API's `window`: `month` for a calendar SLO, `28d` for a rolling one. */
export function sloWindowText(slo: SloWindowColumns): string {
  return slo.windowCalendar ?? `${slo.windowDays}d`;
}

/** The calendar period a calendar SLO is in at `now`; undefined for rolling SLOs. */
export function currentCalendarPeriod(slo: SloWindowColumns, now: Date): CalendarPeriod | undefined {
  return slo.windowCalendar ? calendarPeriodAt(slo.windowCalendar, slo.windowTimeZone ?? 'UTC', now) : undefined;
}

/**
 * The time zone a PATCH leaves: the one given, else the current one while the
 * window stays a calendar window (a switch to a rolling window drops it).
 */
export function patchedTimeZone(current: SloWindowColumns, changes: { readonly window?: unknown; readonly timeZone?: unknown }): unknown {
  if (changes.timeZone !== undefined) return changes.timeZone;
  const window = changes.window ?? sloWindowText(current);
  return isCalendarWindow(window) ? (current.windowTimeZone ?? undefined) : undefined;
}

/**
 * The last good counts a failed evaluation shows: for a calendar SLO whose
 * last good evaluation was in an earlier period, without the SLO window's
 * counts (they belong to a period that is over; the new one has no figures yet).
 */
export function lastGoodCountsAt<T>(
  slo: SloWindowColumns & { readonly lastSuccessAt: Date | null },
  counts: Readonly<Record<string, T>>,
  now: Date,
): Record<string, T> {
  const period = currentCalendarPeriod(slo, now);
  if (!period || (slo.lastSuccessAt !== null && slo.lastSuccessAt.getTime() >= period.start.getTime())) return { ...counts };
  return Object.fromEntries(Object.entries(counts).filter(([key]) => key !== period.window));
}
