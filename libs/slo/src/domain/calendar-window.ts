import { describeValue, SloValidationError } from './errors';

/*
 * Calendar windows
 * ----------------
 * A calendar SLO (`"window": "month" | "week" | "quarter"`, optional IANA
 * `"timeZone"`, default UTC) is measured over the current calendar period of
 * its time zone: weeks start on Monday 00:00 (ISO 8601), months on the 1st,
 * quarters on 1 January, 1 April, 1 July and 1 October, each at local midnight.
 * Periods are computed with the time zone rules of Intl (the ICU data Node
 * ships), so they are DST-correct: a week in Europe/Berlin across the spring
 * switch lasts 167 hours, across the autumn switch 169 hours. Where local
 * midnight does not exist (a DST gap at 00:00), the period starts at the first
 * instant of the day.
 */

export const CALENDAR_WINDOWS = ['week', 'month', 'quarter'] as const;
export type CalendarWindow = (typeof CALENDAR_WINDOWS)[number];

export const DEFAULT_TIME_ZONE = 'UTC';

/**
 * Rolling days stored beside a calendar window (the `window_days` column):
 * what readers that only know rolling windows (rule export, postmortem budget
 * impact) use for it.
 */
export const CALENDAR_NOMINAL_DAYS: Readonly<Record<CalendarWindow, number>> = { week: 7, month: 30, quarter: 90 };

/** One calendar period: [start, end). */
export interface CalendarPeriod {
  readonly window: CalendarWindow;
  readonly timeZone: string;
  readonly start: Date;
  readonly end: Date;
  /** Length of the period in seconds (DST-correct). */
  readonly seconds: number;
}

export function isCalendarWindow(value: unknown): value is CalendarWindow {
  return typeof value === 'string' && (CALENDAR_WINDOWS as readonly string[]).includes(value);
}

/** An IANA time zone Intl knows, kept as written (ICU would rename `Asia/Kathmandu` to its legacy `Asia/Katmandu`). */
export function validateTimeZone(value: unknown, field = 'timeZone'): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 64) {
    throw new SloValidationError(field, `${field} must be an IANA time zone such as "Europe/Berlin", got ${describeValue(value)}`);
  }
  try {
    formatter(value);
    return value;
  } catch (error) {
    throw new SloValidationError(field, `${field} ${describeValue(value)} is not a known IANA time zone`, { cause: error });
  }
}

/** The calendar period containing `now`. */
export function calendarPeriodAt(window: CalendarWindow, timeZone: string, now: Date): CalendarPeriod {
  const local = wallClock(timeZone, now.getTime());
  let startYear: number;
  let startMonth: number;
  let startDay = 1;
  let endYear: number;
  let endMonth: number;
  let endDay = 1;
  if (window === 'week') {
    // ISO weeks start on Monday: go back (weekday + 6) % 7 days from the local date.
    const weekday = new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay();
    const monday = new Date(Date.UTC(local.year, local.month - 1, local.day - ((weekday + 6) % 7)));
    const nextMonday = new Date(monday.getTime() + 7 * 86_400_000);
    [startYear, startMonth, startDay] = [monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate()];
    [endYear, endMonth, endDay] = [nextMonday.getUTCFullYear(), nextMonday.getUTCMonth() + 1, nextMonday.getUTCDate()];
  } else {
    const months = window === 'month' ? 1 : 3;
    startYear = local.year;
    startMonth = local.month - ((local.month - 1) % months);
    const next = new Date(Date.UTC(startYear, startMonth - 1 + months, 1));
    [endYear, endMonth] = [next.getUTCFullYear(), next.getUTCMonth() + 1];
  }
  const start = localMidnight(timeZone, startYear, startMonth, startDay);
  const end = localMidnight(timeZone, endYear, endMonth, endDay);
  return { window, timeZone, start, end, seconds: (end.getTime() - start.getTime()) / 1000 };
}

/** The longest period a window can have (31-day month, 92-day quarter, plus a DST hour). */
export function longestCalendarPeriodSeconds(window: CalendarWindow): number {
  const days = { week: 7, month: 31, quarter: 92 }[window];
  return days * 86_400 + 3600;
}

interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

function wallClock(timeZone: string, epochMs: number): WallClock & { readonly asUtcMs: number } {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtcMs = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return { year: parts.year, month: parts.month, day: parts.day, asUtcMs };
}

/** Offset of local time from UTC at an instant, in ms (Berlin summer: +7 200 000). */
function offsetMs(timeZone: string, epochMs: number): number {
  const whole = Math.floor(epochMs / 1000) * 1000;
  return wallClock(timeZone, whole).asUtcMs - whole;
}

/**
 * The first instant of a local date. Tries the offsets in force half a day
 * before and after; of the candidates whose local time is at or after
 * midnight, the earliest wins (the first of two midnights when clocks go back
 * at 00:00, the end of the gap when they skip it).
 */
function localMidnight(timeZone: string, year: number, month: number, day: number): Date {
  const wallMs = Date.UTC(year, month - 1, day);
  const candidates = [wallMs - offsetMs(timeZone, wallMs - 43_200_000), wallMs - offsetMs(timeZone, wallMs + 43_200_000)]
    .filter((epochMs) => epochMs + offsetMs(timeZone, epochMs) >= wallMs)
    .sort((a, b) => a - b);
  return new Date(candidates[0] ?? wallMs - offsetMs(timeZone, wallMs));
}

/** Checks a calendar window's time zone, returning its canonical name; `undefined`/`null` means UTC. */
export function calendarTimeZone(value: unknown, field = 'timeZone'): string {
  return value === undefined || value === null ? DEFAULT_TIME_ZONE : validateTimeZone(value, field);
}

/**
 * Budget remaining of a calendar period so far: the allowed bad events are
 * those of the whole period's expected events (the traffic seen since the
 * period started, extrapolated to its full length), as the SRE workbook counts
 * a monthly budget. So 1 − (e/B) × elapsed/period: a fresh period starts with
 * its whole budget, bad events spend it for the rest of the period, and at
 * the period's end it equals the rolling formula 1 − e/B. Null without events.
 */
export function calendarErrorBudgetRemaining(errorRatioSoFar: number | null, budget: number, period: CalendarPeriod, now: Date): number | null {
  if (errorRatioSoFar === null) return null;
  const elapsedShare = Math.min(Math.max((now.getTime() - period.start.getTime()) / 1000 / period.seconds, 0), 1);
  return 1 - (errorRatioSoFar / budget) * elapsedShare;
}
