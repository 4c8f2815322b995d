import { handoffsBetween, OncallConfig, oncallAt, parseOncallConfig, planEscalation } from './rotation';

const at = (iso: string) => new Date(iso);

function config(overrides: Partial<OncallConfig> = {}): OncallConfig {
  return {
    members: ['U0AAA', 'U0BBB', 'U0CCC'],
    rotationStart: at('2026-12-07T09:00:00Z'),
    shiftHours: 24,
    overrides: [],
    escalation: [
      { afterMinutes: 0, notify: 'oncall' },
      { afterMinutes: 10, notify: 'next' },
      { afterMinutes: 20, notify: 'channel' },
    ],
    pageSeverities: ['SEV1', 'SEV2'],
    ...overrides,
  };
}

function parseProblem(body: unknown) {
  const parsed = parseOncallConfig(body);
  if (parsed.ok) throw new Error('expected a problem');
  return parsed.problem;
}

const valid = { members: ['U0AAA', 'U0BBB'], rotationStart: '2026-12-07T09:00:00Z', shiftHours: 168 };

describe('oncallAt', () => {
  it('hands over exactly at each shift boundary, in member order, wrapping around', () => {
    expect(oncallAt(config(), at('2026-12-07T09:00:00Z'))).toMatchObject({ current: 'U0AAA', next: 'U0BBB', shiftEndsAt: at('2026-12-08T09:00:00Z') });
    expect(oncallAt(config(), at('2026-12-08T08:59:59.999Z')).current).toBe('U0AAA');
    expect(oncallAt(config(), at('2026-12-08T09:00:00Z')).current).toBe('U0BBB');
    expect(oncallAt(config(), at('2026-12-09T09:00:00Z'))).toMatchObject({ current: 'U0CCC', next: 'U0AAA' });
    expect(oncallAt(config(), at('2026-12-10T09:00:00Z')).current).toBe('U0AAA');
  });

  it('runs the rotation backwards before rotationStart (every instant has someone)', () => {
    expect(oncallAt(config(), at('2026-12-07T08:59:59Z'))).toMatchObject({ current: 'U0CCC', next: 'U0AAA', shiftEndsAt: at('2026-12-07T09:00:00Z') });
  });

  it('is plain UTC arithmetic: a DST change elsewhere moves nothing, fractional shifts work', () => {
    const eightHours = config({ shiftHours: 8, rotationStart: at('2027-03-28T00:00:00Z') });
    // 2027-03-28 is the EU DST switch; shifts stay 8 h of real time.
    expect(oncallAt(eightHours, at('2027-03-28T08:00:00Z')).current).toBe('U0BBB');
    expect(oncallAt(eightHours, at('2027-03-28T16:00:00Z')).current).toBe('U0CCC');
    const halfHour = config({ shiftHours: 0.5 });
    expect(oncallAt(halfHour, at('2026-12-07T09:45:00Z'))).toMatchObject({ current: 'U0BBB', shiftEndsAt: at('2026-12-07T10:00:00Z') });
  });

  it('lets an override win for its window, and reports the handoffs around it', () => {
    const withOverride = config({ overrides: [{ from: at('2026-12-07T12:00:00Z'), to: at('2026-12-07T18:00:00Z'), member: 'U0ZZZ' }] });
    expect(oncallAt(withOverride, at('2026-12-07T10:00:00Z'))).toMatchObject({ current: 'U0AAA', next: 'U0ZZZ', shiftEndsAt: at('2026-12-07T12:00:00Z') });
    expect(oncallAt(withOverride, at('2026-12-07T12:00:00Z'))).toMatchObject({
      current: 'U0ZZZ',
      scheduled: 'U0AAA',
      next: 'U0AAA',
      shiftEndsAt: at('2026-12-07T18:00:00Z'),
    });
    expect(oncallAt(withOverride, at('2026-12-07T18:00:00Z')).current).toBe('U0AAA');
    expect(handoffsBetween(withOverride, at('2026-12-07T09:00:00Z'), at('2026-12-08T09:00:00Z'))).toEqual([
      { at: at('2026-12-07T12:00:00Z'), from: 'U0AAA', to: 'U0ZZZ' },
      { at: at('2026-12-07T18:00:00Z'), from: 'U0ZZZ', to: 'U0AAA' },
      { at: at('2026-12-08T09:00:00Z'), from: 'U0AAA', to: 'U0BBB' },
    ]);
  });

  it('skips boundaries where the same person stays on call', () => {
    const sameAsNext = config({ overrides: [{ from: at('2026-12-07T20:00:00Z'), to: at('2026-12-08T12:00:00Z'), member: 'U0BBB' }] });
    expect(oncallAt(sameAsNext, at('2026-12-07T21:00:00Z'))).toMatchObject({ current: 'U0BBB', next: 'U0CCC', shiftEndsAt: at('2026-12-09T09:00:00Z') });
  });

  it('answers nobody for an empty rotation and no handoff for a rotation of one', () => {
    expect(oncallAt(config({ members: [] }), at('2026-12-07T10:00:00Z'))).toEqual({
      current: null,
      next: null,
      shiftEndsAt: null,
      scheduled: null,
      override: null,
    });
    expect(oncallAt(config({ members: ['U0AAA'] }), at('2026-12-07T10:00:00Z'))).toMatchObject({ current: 'U0AAA', next: null, shiftEndsAt: null });
    expect(handoffsBetween(config({ members: ['U0AAA'] }), at('2026-12-07T10:00:00Z'), at('2027-12-07T10:00:00Z'))).toEqual([]);
  });
});

describe('planEscalation', () => {
  it('pages the current on-call, then the next member, then the channel, at their minutes', () => {
    const steps = planEscalation(config(), at('2026-12-07T10:00:00Z'));
    expect(steps).toEqual([
      { stepIndex: 0, notify: 'oncall', afterMinutes: 0, dueAt: at('2026-12-07T10:00:00Z'), userId: 'U0AAA' },
      { stepIndex: 1, notify: 'next', afterMinutes: 10, dueAt: at('2026-12-07T10:10:00Z'), userId: 'U0BBB' },
      { stepIndex: 2, notify: 'channel', afterMinutes: 20, dueAt: at('2026-12-07T10:20:00Z'), userId: null },
    ]);
  });

  it('during an override, `next` is the rotation member the override replaced; fractional minutes are kept', () => {
    const withOverride = config({
      overrides: [{ from: at('2026-12-07T00:00:00Z'), to: at('2026-12-08T00:00:00Z'), member: 'U0ZZZ' }],
      escalation: [
        { afterMinutes: 0, notify: 'oncall' },
        { afterMinutes: 0.5, notify: 'next' },
      ],
    });
    expect(planEscalation(withOverride, at('2026-12-07T10:00:00Z')).map((step) => [step.userId, step.dueAt.toISOString()])).toEqual([
      ['U0ZZZ', '2026-12-07T10:00:00.000Z'],
      ['U0AAA', '2026-12-07T10:00:30.000Z'],
    ]);
  });
});

describe('parseOncallConfig', () => {
  it('accepts the documented body and fills defaults', () => {
    const parsed = parseOncallConfig(valid);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.config.escalation).toEqual([{ afterMinutes: 0, notify: 'oncall' }]);
      expect(parsed.config.pageSeverities).toEqual(['SEV1', 'SEV2']);
    }
  });

  it.each([
    [{ ...valid, members: [] }, 'members'],
    [{ ...valid, colour: 'red' }, 'colour'],
    [{ ...valid, members: ['alice'] }, 'members[0]'],
    [{ ...valid, rotationStart: '2026-12-07' }, 'rotationStart'],
    [{ ...valid, shiftHours: 0 }, 'shiftHours'],
    [{ ...valid, escalation: [{ afterMinutes: -1, notify: 'oncall' }] }, 'escalation[0].afterMinutes'],
    [{ ...valid, escalation: [{ afterMinutes: '5', notify: 'oncall' }] }, 'escalation[0].afterMinutes'],
    [{ ...valid, escalation: [{ afterMinutes: 0, notify: 'everyone' }] }, 'escalation[0].notify'],
    [{ ...valid, escalation: [{ afterMinutes: 0, notify: 'oncall', extra: 1 }] }, 'escalation[0].extra'],
    [{ ...valid, pageSeverities: ['SEV9'] }, 'pageSeverities[0]'],
    [{ ...valid, overrides: [{ from: '2026-12-07T10:00:00Z', to: '2026-12-07T09:00:00Z', member: 'U0AAA' }] }, 'overrides[0].to'],
    [
      {
        ...valid,
        overrides: [
          { from: '2026-12-07T10:00:00Z', to: '2026-12-07T14:00:00Z', member: 'U0AAA' },
          { from: '2026-12-07T13:00:00Z', to: '2026-12-07T15:00:00Z', member: 'U0BBB' },
        ],
      },
      'overrides[1]',
    ],
  ])('rejects %j naming %s', (body, field) => {
    expect(parseProblem(body).field).toBe(field);
  });
});
