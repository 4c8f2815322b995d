import { IncidentStatus, Severity, SEVERITIES } from './incident-enums';

/** Minutes of silence after which an open incident gets a reminder; null = never. */
export type ReminderCadence = Readonly<Record<Severity, number | null>>;

export const DEFAULT_REMINDER_CADENCE: ReminderCadence = Object.freeze({
  SEV1: 15,
  SEV2: 30,
  SEV3: 60,
  SEV4: null,
});

/**
 * Merges configured overrides into the default cadence. Throws RangeError on
 * a value that is not a positive number of minutes (or null to disable).
 */
export function resolveReminderCadence(overrides: Partial<Record<Severity, number | null>> = {}): ReminderCadence {
  const cadence: Record<Severity, number | null> = { ...DEFAULT_REMINDER_CADENCE };
  for (const severity of SEVERITIES) {
    if (!(severity in overrides)) continue;
    const minutes = overrides[severity];
    if (minutes === undefined) continue;
    if (minutes !== null && !(Number.isFinite(minutes) && minutes > 0)) {
      throw new RangeError(`reminder cadence for ${severity} must be a positive number of minutes or null, got ${minutes}`);
    }
    cadence[severity] = minutes;
  }
  return Object.freeze(cadence);
}

export interface ReminderSubject {
  readonly status: IncidentStatus;
  readonly severity: Severity;
  /** when the incident was opened in Ballast; the silence is measured from here until the first update */
  readonly declaredAt: Date;
}

/**
 * When the next reminder is due, or null when none will be (resolved, or a
 * severity without cadence).
 *
 * Silence starts at the latest update (or the declaration). Each full cadence
 * of silence is one lapse: lapse k starts at silenceStart + k × cadence. One
 * reminder per lapse: a SEV1 nobody updates is reminded at +15, +30, +45 min,
 * never twice within the same 15 minutes, and a fresh update restarts the
 * count. "Once across replicas" is the caller's job (a conditional write of
 * lastReminderAt); this function only decides.
 */
export function nextReminderAt(
  incident: ReminderSubject,
  lastUpdateAt: Date | null,
  lastReminderAt: Date | null,
  cadence: ReminderCadence = DEFAULT_REMINDER_CADENCE,
): Date | null {
  const minutes = cadence[incident.severity];
  if (incident.status === 'resolved' || minutes === null) return null;
  const interval = minutes * 60_000;
  const silenceStart = Math.max(incident.declaredAt.getTime(), lastUpdateAt?.getTime() ?? -Infinity);
  const firstLapse = silenceStart + interval;
  if (lastReminderAt === null || lastReminderAt.getTime() < firstLapse) return new Date(firstLapse);
  const lapsesCovered = Math.floor((lastReminderAt.getTime() - silenceStart) / interval);
  return new Date(silenceStart + (lapsesCovered + 1) * interval);
}

/** True when a reminder should be sent now (at most once per lapse, see nextReminderAt). */
export function reminderDue(
  incident: ReminderSubject,
  lastUpdateAt: Date | null,
  lastReminderAt: Date | null,
  now: Date,
  cadence: ReminderCadence = DEFAULT_REMINDER_CADENCE,
): boolean {
  const next = nextReminderAt(incident, lastUpdateAt, lastReminderAt, cadence);
  return next !== null && now.getTime() >= next.getTime();
}

/** Whole minutes of silence at `now`, for the reminder text. */
export function silentForMinutes(incident: ReminderSubject, lastUpdateAt: Date | null, now: Date): number {
  const silenceStart = Math.max(incident.declaredAt.getTime(), lastUpdateAt?.getTime() ?? -Infinity);
  return Math.max(0, Math.floor((now.getTime() - silenceStart) / 60_000));
}
