import { CalendarWindow, DEFAULT_TIME_ZONE, validateTimeZone } from '../calendar-window';
import { describeValue, SloValidationError } from '../errors';
import { Json, JsonObject } from './json';
import { SpecReadContext } from './reader-context';

/** The window of an imported SLO: a rolling `Nd`, or a calendar window with its time zone. */
export interface SpecWindow {
  readonly window: string;
  readonly timeZone?: string;
}

/** OpenSLO durations that are one calendar week, month or quarter. */
const CALENDAR_DURATIONS: Readonly<Record<string, CalendarWindow>> = { '1w': 'week', '7d': 'week', '1M': 'month', '1Q': 'quarter', '3M': 'quarter' };
/** OpenSLO v1alpha units (count 1). */
const CALENDAR_UNITS: Readonly<Record<string, CalendarWindow>> = { week: 'week', month: 'month', quarter: 'quarter' };
const START_TIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$/;

export const CALENDAR_DURATION_MESSAGE =
  'a calendar window (isRolling: false) must last 1w (or 7d), 1M or 1Q (or 3M): Ballast measures calendar weeks, months and quarters';

/**
 * An OpenSLO v1 calendar window: `duration` 1w/7d, 1M, 1Q/3M with `isRolling:
 * false` and an optional `calendar: { startTime, timeZone }` (IANA, default
 * UTC). Ballast's periods start at local midnight of a Monday, of the 1st of a
 * month, of 1 January/April/July/October: `startTime` is checked for its form
 * and otherwise only anchors the period kind (as in the spec's examples, whose
 * start times are not on those boundaries).
 */
export function openSloV1CalendarWindow(ctx: SpecReadContext, window: JsonObject, path: string, duration: string | undefined): SpecWindow | undefined {
  const calendarWindow = duration === undefined ? undefined : CALENDAR_DURATIONS[duration.trim()];
  if (duration !== undefined && calendarWindow === undefined) {
    ctx.report(`${path}.duration`, `${CALENDAR_DURATION_MESSAGE}, got ${describeValue(duration)}`);
  }
  const timeZone = calendarSettings(ctx, window.calendar, `${path}.calendar`);
  return calendarWindow === undefined || timeZone === undefined ? undefined : { window: calendarWindow, timeZone };
}

/** An OpenSLO v1alpha calendar window: `unit` Week, Month or Quarter with `count: 1`, `isRolling: false`, optional `calendar`. */
export function openSloV1alphaCalendarWindow(ctx: SpecReadContext, window: JsonObject, path: string): SpecWindow | undefined {
  const unit = ctx.requiredString(window.unit, `${path}.unit`);
  const calendarWindow = unit === undefined ? undefined : CALENDAR_UNITS[unit.toLowerCase()];
  if (unit !== undefined && calendarWindow === undefined) {
    ctx.report(`${path}.unit`, `a calendar window (isRolling: false) is a Week, Month or Quarter, got ${describeValue(unit)}`);
  }
  if (window.count !== 1) {
    ctx.report(`${path}.count`, `a calendar window (isRolling: false) counts 1 ${unit ?? 'unit'}, got ${describeValue(window.count)}`);
    return undefined;
  }
  const timeZone = calendarSettings(ctx, window.calendar, `${path}.calendar`);
  return calendarWindow === undefined || timeZone === undefined ? undefined : { window: calendarWindow, timeZone };
}

/** `calendar: { startTime, timeZone }`: the time zone (UTC when absent), or undefined after reporting a problem. */
function calendarSettings(ctx: SpecReadContext, value: Json | undefined, path: string): string | undefined {
  if (value === undefined || value === null) return DEFAULT_TIME_ZONE;
  const calendar = ctx.object(value, path);
  if (calendar === undefined) return undefined;
  ctx.checkFields(calendar, path, ['startTime', 'timeZone']);
  const startTime = ctx.optionalString(calendar.startTime, `${path}.startTime`);
  if (startTime !== undefined && !START_TIME.test(startTime.trim())) {
    ctx.report(`${path}.startTime`, `must be a date and time such as "2022-01-01 00:00:00", got ${describeValue(startTime)}`);
  }
  const zone = ctx.optionalString(calendar.timeZone, `${path}.timeZone`);
  if (zone === undefined) return calendar.timeZone === undefined ? DEFAULT_TIME_ZONE : undefined;
  try {
    return validateTimeZone(zone.trim(), `${path}.timeZone`);
  } catch (error) {
    if (!(error instanceof SloValidationError)) throw error;
    ctx.report(`${path}.timeZone`, `must be an IANA time zone such as "Europe/Berlin", got ${describeValue(zone)}`);
    return undefined;
  }
}
