import type { CalendarWindow } from './calendar-window';
import { describeValue, SloValidationError } from './errors';

export const MIN_WINDOW_DAYS = 1;
export const MAX_WINDOW_DAYS = 90;

const SECONDS_PER_MINUTE = 60;
const SECONDS_PER_HOUR = 3600;
const SECONDS_PER_DAY = 86_400;

/** The rolling window an objective is measured over, e.g. `28d`. */
export interface SloWindow {
  readonly days: number;
  readonly seconds: number;
  /** Canonical text form, `${days}d`; also the key of the window in a status. */
  readonly label: `${number}d`;
}

/**
 * Parses a rolling window `Nd` (N in 1..90, no leading zeros, no other units:
 * a `4w` or `720h` window is rejected so the stored text stays canonical).
 */
export function parseWindow(text: unknown, field = 'window'): SloWindow {
  const match = typeof text === 'string' ? /^([1-9][0-9]*)d$/.exec(text) : null;
  const days = match ? Number(match[1]) : Number.NaN;
  if (!match || days < MIN_WINDOW_DAYS || days > MAX_WINDOW_DAYS) {
    throw new SloValidationError(
      field,
      `${field} must be a rolling window "Nd" with N between ${MIN_WINDOW_DAYS} and ${MAX_WINDOW_DAYS}, got ${describeValue(text)}`,
    );
  }
  return windowOfDays(days, field);
}

export function formatWindow(days: number): `${number}d` {
  return windowOfDays(days, 'window').label;
}

export function windowOfDays(days: number, field = 'window'): SloWindow {
  if (!Number.isInteger(days) || days < MIN_WINDOW_DAYS || days > MAX_WINDOW_DAYS) {
    throw new SloValidationError(
      field,
      `${field} must be a whole number of days between ${MIN_WINDOW_DAYS} and ${MAX_WINDOW_DAYS}, got ${describeValue(days)}`,
    );
  }
  return { days, seconds: days * SECONDS_PER_DAY, label: `${days}d` };
}

/** The short windows every SLO is evaluated on, besides its full window. */
export const EVALUATION_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type EvaluationWindow = (typeof EVALUATION_WINDOWS)[number];

/** A key of `SloStatus.windows`: a short evaluation window or a full SLO window. */
export type StatusWindowKey = EvaluationWindow | `${number}d` | CalendarWindow;

const EVALUATION_WINDOW_SECONDS: Readonly<Record<EvaluationWindow, number>> = {
  '5m': 5 * SECONDS_PER_MINUTE,
  '30m': 30 * SECONDS_PER_MINUTE,
  '1h': SECONDS_PER_HOUR,
  '2h': 2 * SECONDS_PER_HOUR,
  '6h': 6 * SECONDS_PER_HOUR,
  '1d': SECONDS_PER_DAY,
  '3d': 3 * SECONDS_PER_DAY,
};

export function evaluationWindowSeconds(window: EvaluationWindow): number {
  return EVALUATION_WINDOW_SECONDS[window];
}

/** Seconds of a status window key: `5m`..`3d` or any `Nd`. */
export function statusWindowSeconds(key: StatusWindowKey): number {
  if ((EVALUATION_WINDOWS as readonly string[]).includes(key)) {
    return EVALUATION_WINDOW_SECONDS[key as EvaluationWindow];
  }
  return parseWindow(key).seconds;
}

/**
 * Formats seconds as a PromQL duration in its largest exact unit (`300` → `5m`,
 * `2419200` → `28d`). PromQL range selectors need an integer per unit.
 */
export function formatPromqlDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new RangeError(`A PromQL duration needs a positive whole number of seconds, got ${seconds}`);
  }
  for (const [unitSeconds, unit] of [
    [SECONDS_PER_DAY, 'd'],
    [SECONDS_PER_HOUR, 'h'],
    [SECONDS_PER_MINUTE, 'm'],
  ] as const) {
    if (seconds % unitSeconds === 0) {
      return `${seconds / unitSeconds}${unit}`;
    }
  }
  return `${seconds}s`;
}
