import { IncidentClock } from './incident-clock';
import { IncidentStatus } from './incident-enums';
import { InvalidClockError } from './incident-errors';

/** Clock points a caller may set to what really happened (history import, late corrections). */
export interface RealTimes {
  readonly startedAt?: Date;
  readonly detectedAt?: Date;
  readonly acknowledgedAt?: Date | null;
  readonly resolvedAt?: Date;
}

type ClockField = 'startedAt' | 'detectedAt' | 'acknowledgedAt' | 'resolvedAt';

/**
 * Applies real times to a clock (DESIGN "Incidents: real times"): none in the
 * future; startedAt ≤ detectedAt ≤ acknowledgedAt and startedAt ≤ resolvedAt;
 * resolvedAt only when the incident is (or becomes) resolved. The field named
 * in the error is the one given that breaks a rule (the first of the pair
 * when both were given). A mitigation later than the resolution moves to it.
 */
export function applyRealTimes(clock: IncidentClock, status: IncidentStatus, times: RealTimes, now: Date): IncidentClock {
  const given = (field: ClockField) => times[field] !== undefined;
  for (const field of ['startedAt', 'detectedAt', 'acknowledgedAt', 'resolvedAt'] as const) {
    const value = times[field];
    if (value === undefined || value === null) continue;
    if (Number.isNaN(value.getTime())) throw new InvalidClockError(field, `${field} is not a valid date`);
    if (value.getTime() > now.getTime()) throw new InvalidClockError(field, `${field} (${value.toISOString()}) cannot be in the future`);
  }
  if (given('resolvedAt') && status !== 'resolved') {
    throw new InvalidClockError('resolvedAt', 'resolvedAt can only be set on a resolved incident (send status "resolved" with it)');
  }
  const next: IncidentClock = {
    ...clock,
    ...(times.startedAt !== undefined ? { startedAt: times.startedAt } : {}),
    ...(times.detectedAt !== undefined ? { detectedAt: times.detectedAt } : {}),
    ...(times.acknowledgedAt !== undefined ? { acknowledgedAt: times.acknowledgedAt } : {}),
    ...(times.resolvedAt !== undefined ? { resolvedAt: times.resolvedAt } : {}),
  };
  const order = (earlier: ClockField, later: ClockField) => {
    const from = next[earlier];
    const to = next[later];
    if (from === null || to === null || from.getTime() <= to.getTime()) return;
    const field = given(later) && !given(earlier) ? later : given(earlier) ? earlier : later;
    throw new InvalidClockError(field, `${earlier} (${from.toISOString()}) must not be after ${later} (${to.toISOString()})`);
  };
  order('startedAt', 'detectedAt');
  order('detectedAt', 'acknowledgedAt');
  order('startedAt', 'resolvedAt');
  if (next.resolvedAt !== null && (next.mitigatedAt === null || next.mitigatedAt.getTime() > next.resolvedAt.getTime())) {
    return { ...next, mitigatedAt: next.resolvedAt };
  }
  if (next.mitigatedAt !== null && next.mitigatedAt.getTime() < next.startedAt.getTime()) return { ...next, mitigatedAt: next.startedAt };
  return next;
}
