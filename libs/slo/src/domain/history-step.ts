import { describeValue, SloValidationError } from './errors';
import { EVENT_BUCKET_SECONDS } from './event-buckets';

/** At most this many steps when the caller chooses the step (7 days at 5 minutes fit). */
export const MAX_CHOSEN_HISTORY_POINTS = 3000;

const STEP = /^([1-9]\d{0,5})(m|h|d)$/;
const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86_400 };

/**
 * The `step` of GET /api/v1/slos/:id/history (`5m`, `15m`, `1h`, `6h`, `1d`…):
 * a whole number of minutes, hours or days that is a multiple of the 5-minute
 * buckets the steps are computed from, with at most
 * MAX_CHOSEN_HISTORY_POINTS steps in [from, to]. Returns seconds.
 */
export function parseHistoryStep(value: unknown, range: { readonly from: Date; readonly to: Date }): number {
  const match = typeof value === 'string' ? STEP.exec(value) : null;
  if (!match) {
    throw new SloValidationError('step', `step must be a duration such as 5m, 1h or 1d (minutes, hours or days), got ${describeValue(value)}`);
  }
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2]];
  if (seconds % EVENT_BUCKET_SECONDS !== 0) {
    throw new SloValidationError('step', `step must be a multiple of 5m (the event buckets), got ${value as string}`);
  }
  const steps = Math.ceil((range.to.getTime() - range.from.getTime()) / 1000 / seconds);
  if (steps > MAX_CHOSEN_HISTORY_POINTS) {
    throw new SloValidationError(
      'step',
      `step ${value as string} gives ${steps} points between from and to; at most ${MAX_CHOSEN_HISTORY_POINTS} are allowed (choose a longer step or a shorter range)`,
    );
  }
  return seconds;
}
