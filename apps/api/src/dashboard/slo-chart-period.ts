import { calendarPeriodAt, currentCalendarPeriod, type CalendarPeriod, type SloWindowColumns, sloWindowText } from '@app/slo';

const DAY_MS = 86_400_000;

/** `calendar`: the SLO's current calendar period (a rolling SLO: the current UTC month). */
export const SLO_CALENDAR_PERIOD = 'calendar';

export interface SloChartRange {
  /** Undefined: the history's default (the rolling SLO window up to now). */
  readonly range: { readonly from?: Date; readonly to?: Date };
  /** What the charts cover, for their titles (`28d`, `calendar month since 2026-12-01 00:00 (UTC)`). */
  readonly label: string;
  readonly calendar: CalendarPeriod;
}

/**
 * What the SLO page charts for a `?period=`: none → the SLO window (a calendar
 * SLO: its current period, where its budget started afresh); `7d`/`28d`/`90d`
 * → that many days up to now; `calendar` → the current calendar period.
 */
export function sloChartRange(slo: SloWindowColumns, period: string | undefined, now: Date): SloChartRange {
  const calendar = currentCalendarPeriod(slo, now) ?? calendarPeriodAt('month', 'UTC', now);
  const calendarLabel = `calendar ${calendar.window} since ${calendar.start.toISOString().slice(0, 16).replace('T', ' ')} UTC (${calendar.timeZone})`;
  if (period === SLO_CALENDAR_PERIOD || (period === undefined && slo.windowCalendar)) {
    return { range: { from: calendar.start, to: now }, label: calendarLabel, calendar };
  }
  if (period === undefined) return { range: {}, label: sloWindowText(slo), calendar };
  return { range: { from: new Date(now.getTime() - Number(period.slice(0, -1)) * DAY_MS), to: now }, label: period, calendar };
}
