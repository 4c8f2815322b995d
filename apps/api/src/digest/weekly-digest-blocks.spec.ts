import type { IncidentInsights } from '@app/incidents';
import { buildWeeklyDigestBlocks, WeeklyDigestInput } from './weekly-digest-blocks';

const insights: IncidentInsights = {
  from: '2026-11-16T09:00:00.000Z',
  to: '2026-11-23T09:00:00.000Z',
  byTeamAndType: [
    { team: 'payments', type: 'deploy', count: 3, previousCount: 1 },
    { team: 'search', type: 'deploy', count: 9, previousCount: 9 },
  ],
  byTeam: [
    { team: 'payments', count: 3, previousCount: 1, mttaSeconds: { median: 120, p90: 600 }, mttrSeconds: { median: 5400, p90: 90_000 }, selfDeclared: 2 },
  ],
  byType: [],
  bySeverity: [],
  bySource: [],
};
const figures = {
  deployments: 14,
  deploymentsPerDay: 2,
  changeFailureRate: 0.25,
  failedDeploymentRecoveryTimeSeconds: { median: 1800, p90: 7200 },
  leadTimeForChangesSeconds: { median: 7200, p90: 86_400 },
  deploymentReworkRate: 0.0714,
};
const input = (overrides: Partial<WeeklyDigestInput> = {}): WeeklyDigestInput => ({
  team: 'payments',
  insights,
  slosAtRisk: [{ name: 'checkout-availability', service: 'checkout', state: 'warning', errorBudgetRemaining: 0.125 }],
  delivery: { ...figures, previous: { ...figures, deployments: 7, deploymentsPerDay: 1, changeFailureRate: 0.5 } },
  followUpsOverdue: [],
  dashboardUrl: 'https://ballast.example.com/dashboard/teams/payments',
  ...overrides,
});
const textOf = (blocks: ReturnType<typeof buildWeeklyDigestBlocks>) => JSON.stringify(blocks);

describe('buildWeeklyDigestBlocks', () => {
  it('has the sections in order: incidents by type, MTTA/MTTR, SLOs at risk, DORA five, follow-ups, dashboard link', () => {
    const blocks = buildWeeklyDigestBlocks(input());
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Weekly reliability digest: payments' } });
    const text = textOf(blocks);
    const order = [
      '*Incidents by type*',
      '*MTTA*',
      '*SLOs at risk*',
      '*Delivery (DORA)*',
      '*Follow-ups overdue*',
      '<https://ballast.example.com/dashboard/teams/payments|Open the payments dashboard>',
    ].map((part) => text.indexOf(part));
    expect(order.every((position) => position >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain('deploy: *3* ↑ (was 1)');
    expect(text).not.toContain('search');
    expect(text).toContain('median 2 min, p90 10 min · 2 self-declared');
    expect(text).toContain('checkout-availability (checkout): 12.5% budget left, warning');
    expect(text).toContain('*Deployments per day*\\n2 ↑ (14, was 7)');
    expect(text).toContain('*Change failure rate*\\n25.0% ↓ (was 50.0%)');
    expect(text).toContain('*Lead time for changes*\\nmedian 2.0 h, p90 1.0 d');
    expect(text).toContain('*Deployment rework rate*\\n7.1%');
  });

  it('says so when there were no deployments or follow-ups, and leaves the link out without a public URL', () => {
    const text = textOf(buildWeeklyDigestBlocks(input({ delivery: null, dashboardUrl: null })));
    expect(text).toContain('No production deployments recorded in either week.');
    expect(text).toContain('*Follow-ups overdue*\\nNone.');
    expect(text).not.toContain('dashboard');
  });

  it('lists overdue follow-ups escaped, at most ten', () => {
    const followUps = Array.from({ length: 12 }, (_, index) => ({
      title: `Fix <!channel> ${index}`,
      owner: 'U01ALICE',
      dueDate: '2026-11-20',
      incidentReference: 'INC-4',
    }));
    const text = textOf(buildWeeklyDigestBlocks(input({ followUpsOverdue: followUps })));
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('Fix &lt;!channel&gt; 0 (INC-4): due 2026-11-20, U01ALICE');
    expect(text).toContain('…and 2 more');
  });

  it('adds a postmortems line (required, published, missing) before the follow-ups only when figures are given', () => {
    const text = textOf(buildWeeklyDigestBlocks(input({ postmortems: { required: 3, published: 1 } })));
    expect(text).toContain('*Postmortems*: 1 of 3 required published (2 missing)');
    expect(text.indexOf('*Postmortems*')).toBeLessThan(text.indexOf('*Follow-ups overdue*'));
    expect(textOf(buildWeeklyDigestBlocks(input({ postmortems: { required: 2, published: 2 } })))).toContain('*Postmortems*: 2 of 2 required published"');
    expect(textOf(buildWeeklyDigestBlocks(input()))).not.toContain('*Postmortems*');
  });

  it('adds open follow-ups and the incidents by budget consumed (largest five) when the figures carry them', () => {
    const byBudgetConsumed = Array.from({ length: 6 }, (_, index) => ({
      reference: `INC-${index + 1}`,
      title: `Outage <${index}>`,
      sloName: 'checkout-availability',
      budgetConsumed: 0.5 - index * 0.05,
    }));
    const text = textOf(buildWeeklyDigestBlocks(input({ postmortems: { required: 1, published: 0, openFollowUps: 4, byBudgetConsumed } })));
    expect(text).toContain('*Follow-ups open*: 4');
    expect(text).toContain("*Incidents by budget consumed*\\n• INC-1 Outage &lt;0&gt;: 50.0% of checkout-availability's budget");
    expect(text).toContain('INC-5');
    expect(text).not.toContain('INC-6');
    expect(textOf(buildWeeklyDigestBlocks(input({ postmortems: { required: 0, published: 0, byBudgetConsumed: [] } })))).not.toContain(
      '*Incidents by budget consumed*',
    );
  });
});
