import {
  applyClockEvent,
  changeIncidentStatus,
  ClockActor,
  ClockEvent,
  IncidentClock,
  openIncidentClock,
  timeToAcknowledgeSeconds,
  timeToMitigateSeconds,
  timeToResolveSeconds,
} from './incident-clock';
import { IncidentStatus } from './incident-enums';
import { InvalidClockError, InvalidTransitionError } from './incident-errors';

const T0 = Date.parse('2026-03-01T10:00:00Z');
/** minutes after T0 */
const t = (minutes: number): Date => new Date(T0 + minutes * 60_000);

const clock = (overrides: Partial<IncidentClock> = {}): IncidentClock => ({
  startedAt: t(0),
  detectedAt: t(0),
  acknowledgedAt: null,
  mitigatedAt: null,
  resolvedAt: null,
  ...overrides,
});

describe('openIncidentClock', () => {
  it.each<[string, Parameters<typeof openIncidentClock>[0], IncidentClock]>([
    [
      'human declaration acknowledges at once, start and detection default to now',
      { now: t(5), declaredBy: 'human' },
      clock({ startedAt: t(5), detectedAt: t(5), acknowledgedAt: t(5) }),
    ],
    ['automation leaves it unacknowledged', { now: t(5), declaredBy: 'automation' }, clock({ startedAt: t(5), detectedAt: t(5) })],
    [
      'alert start is the detection time and the default start',
      { now: t(5), declaredBy: 'automation', detectedAt: t(2) },
      clock({ startedAt: t(2), detectedAt: t(2) }),
    ],
    [
      'a known earlier impact start is kept',
      { now: t(5), declaredBy: 'human', startedAt: t(-30) },
      clock({ startedAt: t(-30), detectedAt: t(5), acknowledgedAt: t(5) }),
    ],
    [
      'startedAt equal to detectedAt is allowed',
      { now: t(5), declaredBy: 'human', startedAt: t(5) },
      clock({ startedAt: t(5), detectedAt: t(5), acknowledgedAt: t(5) }),
    ],
  ])('%s', (_name, input, expected) => {
    expect(openIncidentClock(input)).toEqual(expected);
  });

  it.each<[string, Parameters<typeof openIncidentClock>[0], 'startedAt' | 'detectedAt']>([
    ['startedAt after detection', { now: t(5), declaredBy: 'human', startedAt: t(6) }, 'startedAt'],
    ['startedAt after an explicit detection', { now: t(5), declaredBy: 'automation', detectedAt: t(1), startedAt: t(2) }, 'startedAt'],
    ['detection in the future', { now: t(5), declaredBy: 'automation', detectedAt: t(6) }, 'detectedAt'],
    ['invalid startedAt', { now: t(5), declaredBy: 'human', startedAt: new Date('nope') }, 'startedAt'],
  ])('rejects %s', (_name, input, field) => {
    expect(() => openIncidentClock(input)).toThrow(InvalidClockError);
    expect(() => openIncidentClock(input)).toThrow(expect.objectContaining({ code: 'invalid_clock', field }));
  });
});

describe('applyClockEvent', () => {
  const status = (from: IncidentStatus, to: IncidentStatus, at: number, actor: ClockActor = 'human'): ClockEvent => ({
    kind: 'status_changed',
    from,
    to,
    at: t(at),
    actor,
  });

  const table: Array<[string, IncidentClock, ClockEvent, IncidentClock]> = [
    // acknowledgement
    ['human status change acknowledges', clock(), status('investigating', 'identified', 4), clock({ acknowledgedAt: t(4) })],
    ['automated status change does not acknowledge', clock(), status('investigating', 'identified', 4, 'automation'), clock()],
    ['commander assignment acknowledges', clock(), { kind: 'role_assigned', at: t(3), actor: 'human' }, clock({ acknowledgedAt: t(3) })],
    ['first update acknowledges', clock(), { kind: 'update_posted', at: t(7), actor: 'human' }, clock({ acknowledgedAt: t(7) })],
    ['severity change acknowledges', clock(), { kind: 'severity_changed', at: t(2), actor: 'human' }, clock({ acknowledgedAt: t(2) })],
    ['automated update does not acknowledge', clock(), { kind: 'update_posted', at: t(7), actor: 'automation' }, clock()],
    [
      'a later human action keeps the first acknowledgement',
      clock({ acknowledgedAt: t(3) }),
      { kind: 'update_posted', at: t(9), actor: 'human' },
      clock({ acknowledgedAt: t(3) }),
    ],
    [
      'an action stamped before detection (clock skew) is clamped to detectedAt',
      clock({ detectedAt: t(10), startedAt: t(0) }),
      { kind: 'role_assigned', at: t(9), actor: 'human' },
      clock({ detectedAt: t(10), startedAt: t(0), acknowledgedAt: t(10) }),
    ],
    // mitigation and resolution
    [
      'reaching monitoring mitigates',
      clock({ acknowledgedAt: t(1) }),
      status('identified', 'monitoring', 20),
      clock({ acknowledgedAt: t(1), mitigatedAt: t(20) }),
    ],
    [
      'resolving after monitoring keeps the mitigation time',
      clock({ acknowledgedAt: t(1), mitigatedAt: t(20) }),
      status('monitoring', 'resolved', 50),
      clock({ acknowledgedAt: t(1), mitigatedAt: t(20), resolvedAt: t(50) }),
    ],
    [
      'resolving straight from investigating acknowledges, mitigates and resolves at once',
      clock(),
      status('investigating', 'resolved', 12),
      clock({ acknowledgedAt: t(12), mitigatedAt: t(12), resolvedAt: t(12) }),
    ],
    [
      'automated resolution (alert cleared) resolves without acknowledging',
      clock(),
      status('investigating', 'resolved', 12, 'automation'),
      clock({ mitigatedAt: t(12), resolvedAt: t(12) }),
    ],
    ['identified does not mitigate', clock({ acknowledgedAt: t(1) }), status('investigating', 'identified', 5), clock({ acknowledgedAt: t(1) })],
    // going backwards
    [
      'regressing from monitoring clears the mitigation',
      clock({ acknowledgedAt: t(1), mitigatedAt: t(20) }),
      status('monitoring', 'investigating', 30),
      clock({ acknowledgedAt: t(1) }),
    ],
    [
      'regressing from monitoring to identified clears the mitigation',
      clock({ acknowledgedAt: t(1), mitigatedAt: t(20) }),
      status('monitoring', 'identified', 30),
      clock({ acknowledgedAt: t(1) }),
    ],
    [
      're-open clears mitigation and resolution, keeps acknowledgement and start',
      clock({ startedAt: t(-5), acknowledgedAt: t(1), mitigatedAt: t(20), resolvedAt: t(50) }),
      status('resolved', 'investigating', 90),
      clock({ startedAt: t(-5), acknowledgedAt: t(1) }),
    ],
    [
      'mitigating again after a regression records the new time',
      clock({ acknowledgedAt: t(1) }),
      status('investigating', 'monitoring', 40),
      clock({ acknowledgedAt: t(1), mitigatedAt: t(40) }),
    ],
    // no-ops
    ['same status changes nothing, not even acknowledgement', clock(), status('investigating', 'investigating', 4), clock()],
    [
      'resolving twice keeps the first resolution',
      clock({ acknowledgedAt: t(1), mitigatedAt: t(20), resolvedAt: t(50) }),
      status('resolved', 'resolved', 60),
      clock({ acknowledgedAt: t(1), mitigatedAt: t(20), resolvedAt: t(50) }),
    ],
    // startedAt edits
    [
      'startedAt can move earlier',
      clock({ detectedAt: t(10), startedAt: t(10) }),
      { kind: 'started_at_edited', startedAt: t(-60) },
      clock({ detectedAt: t(10), startedAt: t(-60) }),
    ],
    [
      'startedAt can move up to detectedAt',
      clock({ detectedAt: t(10), startedAt: t(0) }),
      { kind: 'started_at_edited', startedAt: t(10) },
      clock({ detectedAt: t(10), startedAt: t(10) }),
    ],
    [
      'editing startedAt is bookkeeping, not an acknowledgement',
      clock({ detectedAt: t(10), startedAt: t(10) }),
      { kind: 'started_at_edited', startedAt: t(5) },
      clock({ detectedAt: t(10), startedAt: t(5) }),
    ],
  ];

  it.each(table)('%s', (_name, before, event, expected) => {
    const frozen = Object.freeze({ ...before });
    expect(applyClockEvent(frozen, event)).toEqual(expected);
  });

  it('rejects startedAt after detectedAt with a field-named error', () => {
    expect(() => applyClockEvent(clock({ detectedAt: t(10) }), { kind: 'started_at_edited', startedAt: t(11) })).toThrow(
      expect.objectContaining({ code: 'invalid_clock', field: 'startedAt' }),
    );
  });

  it('rejects a status change the lifecycle forbids', () => {
    expect(() => applyClockEvent(clock({ resolvedAt: t(5) }), status('resolved', 'monitoring', 6))).toThrow(InvalidTransitionError);
  });
});

describe('changeIncidentStatus', () => {
  it('returns the new status, the new clock and the transition kind', () => {
    const result = changeIncidentStatus({ status: 'monitoring', clock: clock({ acknowledgedAt: t(1), mitigatedAt: t(20) }) }, 'resolved', t(45), 'human');
    expect(result).toEqual({
      status: 'resolved',
      clock: clock({ acknowledgedAt: t(1), mitigatedAt: t(20), resolvedAt: t(45) }),
      transition: { from: 'monitoring', to: 'resolved', kind: 'advance' },
    });
  });

  it('re-opens', () => {
    const result = changeIncidentStatus(
      { status: 'resolved', clock: clock({ acknowledgedAt: t(1), mitigatedAt: t(2), resolvedAt: t(3) }) },
      'investigating',
      t(9),
      'human',
    );
    expect(result.transition.kind).toBe('reopen');
    expect(result.clock).toEqual(clock({ acknowledgedAt: t(1) }));
  });
});

describe('durations', () => {
  it('measures MTTA from detection, mitigation and resolution from impact start', () => {
    const c = clock({ startedAt: t(-10), detectedAt: t(0), acknowledgedAt: t(4), mitigatedAt: t(20), resolvedAt: t(50) });
    expect(timeToAcknowledgeSeconds(c)).toBe(240);
    expect(timeToMitigateSeconds(c)).toBe(30 * 60);
    expect(timeToResolveSeconds(c)).toBe(60 * 60);
  });

  it('is null while the point is not reached', () => {
    expect(timeToAcknowledgeSeconds(clock())).toBeNull();
    expect(timeToMitigateSeconds(clock())).toBeNull();
    expect(timeToResolveSeconds(clock())).toBeNull();
  });
});
