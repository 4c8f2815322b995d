import { IncidentStatus, Severity } from './incident-enums';
import { DEFAULT_REMINDER_CADENCE, nextReminderAt, reminderDue, ReminderSubject, resolveReminderCadence, silentForMinutes } from './reminder';

const T0 = Date.parse('2026-03-01T03:00:00Z');
const t = (minutes: number): Date => new Date(T0 + minutes * 60_000);
const incident = (severity: Severity = 'SEV1', status: IncidentStatus = 'investigating'): ReminderSubject => ({
  severity,
  status,
  declaredAt: t(0),
});

describe('reminder cadence', () => {
  it('defaults to SEV1 15, SEV2 30, SEV3 60 minutes, SEV4 never', () => {
    expect(DEFAULT_REMINDER_CADENCE).toEqual({ SEV1: 15, SEV2: 30, SEV3: 60, SEV4: null });
  });

  it('merges overrides, including turning a severity on or off', () => {
    expect(resolveReminderCadence({ SEV1: 10, SEV4: 240, SEV3: null })).toEqual({ SEV1: 10, SEV2: 30, SEV3: null, SEV4: 240 });
    expect(resolveReminderCadence({ SEV2: undefined })).toEqual(DEFAULT_REMINDER_CADENCE);
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])('rejects %p minutes', (minutes) => {
    expect(() => resolveReminderCadence({ SEV2: minutes })).toThrow(RangeError);
  });
});

describe('reminderDue', () => {
  // [name, incident, lastUpdateAt, lastReminderAt, now, due]
  const table: Array<[string, ReminderSubject, number | null, number | null, number, boolean]> = [
    ['SEV1 quiet for 14 min', incident('SEV1'), null, null, 14, false],
    ['SEV1 quiet for exactly 15 min', incident('SEV1'), null, null, 15, true],
    ['SEV1 quiet for 20 min', incident('SEV1'), null, null, 20, true],
    ['SEV1 already reminded in this lapse', incident('SEV1'), null, 15, 20, false],
    ['SEV1 reminded late in the first lapse, still the same lapse', incident('SEV1'), null, 29, 29.5, false],
    ['SEV1 second lapse after a reminder in the first', incident('SEV1'), null, 15, 30, true],
    ['SEV1 third lapse', incident('SEV1'), null, 30, 45, true],
    ['SEV1 updated at 10, quiet until 24', incident('SEV1'), 10, null, 24, false],
    ['SEV1 updated at 10, quiet until 25', incident('SEV1'), 10, null, 25, true],
    ['SEV1 reminded at 15, update at 16, quiet until 30', incident('SEV1'), 16, 15, 30, false],
    ['SEV1 reminded at 15, update at 16, quiet until 31', incident('SEV1'), 16, 15, 31, true],
    ['SEV2 quiet for 29 min', incident('SEV2'), null, null, 29, false],
    ['SEV2 quiet for 30 min', incident('SEV2'), null, null, 30, true],
    ['SEV3 quiet for 59 min', incident('SEV3'), null, null, 59, false],
    ['SEV3 quiet for 60 min', incident('SEV3'), null, null, 60, true],
    ['SEV4 is never reminded', incident('SEV4'), null, null, 10_000, false],
    ['resolved is never reminded', incident('SEV1', 'resolved'), null, null, 60, false],
    ['monitoring is still reminded', incident('SEV1', 'monitoring'), null, null, 15, true],
    ['an update older than the declaration does not shorten the silence', incident('SEV1'), -30, null, 14, false],
  ];

  it.each(table)('%s -> %p', (_name, subject, lastUpdate, lastReminder, now, expected) => {
    expect(reminderDue(subject, lastUpdate === null ? null : t(lastUpdate), lastReminder === null ? null : t(lastReminder), t(now))).toBe(expected);
  });

  it('fires exactly once per lapse when polled every minute', () => {
    let lastReminder: Date | null = null;
    const sentAt: number[] = [];
    for (let minute = 0; minute <= 50; minute += 1) {
      if (reminderDue(incident('SEV1'), null, lastReminder, t(minute))) {
        lastReminder = t(minute);
        sentAt.push(minute);
      }
    }
    expect(sentAt).toEqual([15, 30, 45]);
  });

  it('uses an overridden cadence', () => {
    const cadence = resolveReminderCadence({ SEV4: 120 });
    expect(reminderDue(incident('SEV4'), null, null, t(119), cadence)).toBe(false);
    expect(reminderDue(incident('SEV4'), null, null, t(120), cadence)).toBe(true);
  });
});

describe('nextReminderAt', () => {
  it.each<[string, ReminderSubject, number | null, number | null, number | null]>([
    ['first lapse', incident('SEV2'), null, null, 30],
    ['after an update', incident('SEV2'), 12, null, 42],
    ['after a reminder in lapse 1', incident('SEV2'), null, 31, 60],
    ['a reminder before the latest update does not count', incident('SEV2'), 40, 30, 70],
    ['none for SEV4', incident('SEV4'), null, null, null],
    ['none when resolved', incident('SEV1', 'resolved'), null, null, null],
  ])('%s', (_name, subject, lastUpdate, lastReminder, expected) => {
    expect(nextReminderAt(subject, lastUpdate === null ? null : t(lastUpdate), lastReminder === null ? null : t(lastReminder))).toEqual(
      expected === null ? null : t(expected),
    );
  });
});

describe('silentForMinutes', () => {
  it('counts whole minutes since the latest update or the declaration', () => {
    expect(silentForMinutes(incident(), null, t(17.9))).toBe(17);
    expect(silentForMinutes(incident(), t(5), t(20))).toBe(15);
    expect(silentForMinutes(incident(), t(25), t(20))).toBe(0);
  });
});
