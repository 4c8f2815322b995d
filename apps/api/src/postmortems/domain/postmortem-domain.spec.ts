import { buildPostmortemMarkdown, formatDuration, PostmortemSource } from './postmortem-markdown';
import { assertPostmortemTransition, postmortemReminderDue, postmortemRequirement, postmortemSatisfied, PostmortemBudgetImpact } from './postmortem-rules';

const impact = (budgetConsumed: number | null): PostmortemBudgetImpact => ({
  sloId: 's1',
  name: 'checkout-availability',
  service: 'checkout',
  objective: 0.999,
  window: '28d',
  badEvents: 120,
  allowedBadEvents: 500,
  budgetConsumed,
});

function source(overrides: Partial<PostmortemSource> = {}): PostmortemSource {
  return {
    incident: {
      reference: 'INC-7',
      title: 'Checkout errors',
      summary: '5xx on /pay',
      severity: 'SEV2',
      status: 'resolved',
      type: 'deploy',
      team: 'payments',
      visibility: 'internal',
      commander: 'U0ALICE',
      services: ['checkout'],
      affectedComponents: [{ componentId: 'k3j2h1g0f9d8', status: 'partial_outage' }],
      startedAt: new Date('2026-11-20T10:00:00Z'),
      detectedAt: new Date('2026-11-20T10:04:00Z'),
      acknowledgedAt: new Date('2026-11-20T10:06:30Z'),
      mitigatedAt: new Date('2026-11-20T10:40:00Z'),
      resolvedAt: new Date('2026-11-20T11:05:00Z'),
    },
    timeline: [
      {
        kind: 'declared',
        occurredAt: new Date('2026-11-20T10:04:00Z'),
        author: 'U0ALICE',
        body: '',
        public: false,
        data: { title: 'Checkout errors', severity: 'SEV2', visibility: 'internal' },
      },
      {
        kind: 'public_update',
        occurredAt: new Date('2026-11-20T10:10:00Z'),
        author: 'U0ALICE',
        body: 'We are looking into failed payments.',
        public: true,
        data: {},
      },
      {
        kind: 'internal_note',
        occurredAt: new Date('2026-11-20T10:20:00Z'),
        author: 'U0BOB',
        body: 'Rollback of v42 started\nsecond line',
        public: false,
        data: {},
      },
      {
        kind: 'slack_pin',
        occurredAt: new Date('2026-11-20T10:30:00Z'),
        author: 'U0BOB',
        body: '',
        public: false,
        data: { text: 'p99 back to normal', permalink: 'https://slack.example/p1' },
      },
      {
        kind: 'status_changed',
        occurredAt: new Date('2026-11-20T11:05:00Z'),
        author: 'U0ALICE',
        body: '',
        public: false,
        data: { from: 'monitoring', to: 'resolved', reopened: false },
      },
    ],
    budgetImpact: [impact(0.24)],
    requiredBecause: 'Required because the incident is SEV2.',
    followUps: [{ title: 'Canary deploys for checkout', priority: 'P0', owner: 'U0BOB', dueDate: '2026-12-01', status: 'open' }],
    now: new Date('2026-11-21T09:00:00Z'),
    ...overrides,
  };
}

describe('buildPostmortemMarkdown', () => {
  it('writes summary, impact with durations and budget, key times, every timeline entry and the skeleton', () => {
    const markdown = buildPostmortemMarkdown(source());
    expect(markdown).toContain('# Postmortem: INC-7 Checkout errors');
    expect(markdown).toContain('5xx on /pay');
    expect(markdown).toContain('- **Duration:** 1h 05m (2026-11-20T10:00:00Z → 2026-11-20T11:05:00Z)');
    expect(markdown).toContain('- **Time to detect:** 4m');
    expect(markdown).toContain('- **Time to acknowledge:** 2m');
    expect(markdown).toContain('| checkout-availability | checkout | 99.9% over 28d | 120 | 24.0% |');
    expect(markdown).toContain('k3j2h1g0f9d8 (partial_outage)');
    expect(markdown).toContain('Public update (public) by U0ALICE: We are looking into failed payments.');
    expect(markdown).toContain('Internal note by U0BOB: Rollback of v42 started second line');
    expect(markdown).toContain('Pinned in Slack by U0BOB: p99 back to normal ([message](https://slack.example/p1))');
    expect(markdown).toContain('Status changed by U0ALICE: monitoring → resolved');
    for (const heading of ['## What went well', '## What went wrong', '## Action items']) expect(markdown).toContain(heading);
    expect(markdown).toContain('- [ ] **P0** Canary deploys for checkout (owner: U0BOB) — due 2026-12-01');
  });

  it('an open incident runs until now and says the draft is early', () => {
    const base = source();
    const markdown = buildPostmortemMarkdown({ ...base, incident: { ...base.incident, status: 'monitoring', resolvedAt: null } });
    expect(markdown).toContain('still open');
    expect(markdown).toContain('- **Duration:** 23h 00m (2026-11-20T10:00:00Z → ongoing)');
  });

  it('formats durations', () => {
    expect([formatDuration(45_000), formatDuration(65 * 60_000), formatDuration(50 * 3_600_000)]).toEqual(['45s', '1h 05m', '2d 2h']);
  });
});

describe('postmortem rules', () => {
  it.each([
    ['draft', 'in_review', true],
    ['in_review', 'published', true],
    ['in_review', 'draft', true],
    ['draft', 'draft', true],
    ['draft', 'published', false],
    ['published', 'draft', false],
    ['draft', 'done', false],
  ] as const)('%s → %s allowed: %s', (from, to, allowed) => {
    const attempt = () => assertPostmortemTransition(from, to);
    if (allowed) expect(attempt()).toBe(to);
    else expect(attempt).toThrow(expect.objectContaining({ field: 'status' }));
  });

  it('requires a postmortem for SEV1/SEV2 or at least the budget share', () => {
    expect(postmortemRequirement('SEV3', [impact(0.1)], 0.2)).toEqual({ required: false, requiredBecause: null });
    expect(postmortemRequirement('SEV3', [impact(0.2)], 0.2).requiredBecause).toContain('20.0% of the error budget of checkout-availability');
    expect(postmortemRequirement('SEV1', [impact(null)], 0.2).requiredBecause).toBe('Required because the incident is SEV1.');
  });

  it('is satisfied once published with a P0 follow-up; reminders are due once per lapse', () => {
    expect(postmortemSatisfied('published', 1)).toBe(true);
    expect(postmortemSatisfied('published', 0)).toBe(false);
    expect(postmortemSatisfied('in_review', 2)).toBe(false);
    const resolvedAt = new Date('2026-11-20T00:00:00Z');
    expect(postmortemReminderDue({ resolvedAt, lastReminderAt: null, cadenceHours: 24, now: new Date('2026-11-20T23:59:00Z') })).toBe(false);
    expect(postmortemReminderDue({ resolvedAt, lastReminderAt: null, cadenceHours: 24, now: new Date('2026-11-21T00:00:00Z') })).toBe(true);
    expect(
      postmortemReminderDue({ resolvedAt, lastReminderAt: new Date('2026-11-21T00:00:00Z'), cadenceHours: 24, now: new Date('2026-11-21T12:00:00Z') }),
    ).toBe(false);
  });
});
