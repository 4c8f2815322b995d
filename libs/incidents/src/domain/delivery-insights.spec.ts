import { buildDeliveryInsights, DeliveryDeployment, DeliveryIncidentLink, deploymentOutcome, summarizeDelivery } from './delivery-insights';

const at = (iso: string) => new Date(iso);
const deployment = (overrides: Partial<DeliveryDeployment> & { id: string }): DeliveryDeployment => ({
  team: 'payments',
  service: 'checkout',
  environment: 'production',
  status: 'succeeded',
  finishedAt: at('2026-11-10T10:00:00Z'),
  commitAt: null,
  fixesIncidentId: null,
  ...overrides,
});

describe('deploymentOutcome', () => {
  it('a succeeded deployment no incident names is not failed and measures its lead time', () => {
    const outcome = deploymentOutcome(deployment({ id: 'd1', commitAt: at('2026-11-10T08:00:00Z') }), [], null);
    expect(outcome).toEqual({ failed: false, recoverySeconds: null, leadTimeSeconds: 7200, rework: false });
  });

  it('a failed deployment recovers at the next succeeded deployment of its service', () => {
    const outcome = deploymentOutcome(deployment({ id: 'd1', status: 'failed', commitAt: at('2026-11-10T08:00:00Z') }), [], at('2026-11-10T10:30:00Z'));
    expect(outcome).toEqual({ failed: true, recoverySeconds: 1800, leadTimeSeconds: null, rework: false });
  });

  it('a failed deployment with no later success has not recovered', () => {
    expect(deploymentOutcome(deployment({ id: 'd1', status: 'rolled_back' }), [], null).recoverySeconds).toBeNull();
  });

  it('a succeeded deployment an incident names is failed and recovers when the last of its incidents is resolved', () => {
    const incidents: DeliveryIncidentLink[] = [
      { causedByDeploymentId: 'd1', resolvedAt: at('2026-11-10T11:00:00Z') },
      { causedByDeploymentId: 'd1', resolvedAt: at('2026-11-10T12:00:00Z') },
    ];
    // The next succeeded deployment is ignored when incidents name it.
    expect(deploymentOutcome(deployment({ id: 'd1' }), incidents, at('2026-11-10T10:05:00Z'))).toMatchObject({ failed: true, recoverySeconds: 7200 });
  });

  it('is not recovered while one of its incidents is open, and duplicates do not count', () => {
    expect(
      deploymentOutcome(
        deployment({ id: 'd1' }),
        [
          { causedByDeploymentId: 'd1', resolvedAt: at('2026-11-10T11:00:00Z') },
          { causedByDeploymentId: 'd1', resolvedAt: null },
        ],
        null,
      ),
    ).toMatchObject({ failed: true, recoverySeconds: null });
    expect(deploymentOutcome(deployment({ id: 'd1' }), [{ causedByDeploymentId: 'd1', resolvedAt: null, duplicate: true }], null)).toMatchObject({
      failed: false,
    });
  });

  it('never measures negative durations', () => {
    const outcome = deploymentOutcome(
      deployment({ id: 'd1', commitAt: at('2026-11-10T11:00:00Z') }),
      [{ causedByDeploymentId: 'd1', resolvedAt: at('2026-11-10T09:00:00Z') }],
      null,
    );
    expect(outcome).toMatchObject({ recoverySeconds: 0, leadTimeSeconds: 0 });
    expect(deploymentOutcome(deployment({ id: 'd2', commitAt: at('2026-11-10T11:00:00Z') }), [], null).leadTimeSeconds).toBe(0);
  });

  it('a deployment that fixes an incident is rework', () => {
    expect(deploymentOutcome(deployment({ id: 'd1', fixesIncidentId: 'i1' }), [], null).rework).toBe(true);
  });
});

describe('summarizeDelivery', () => {
  it('gives nulls, not zeros, for rates without deployments', () => {
    expect(summarizeDelivery([], 7 * 86_400_000)).toEqual({
      deployments: 0,
      deploymentsPerDay: 0,
      changeFailureRate: null,
      failedDeploymentRecoveryTimeSeconds: { median: null, p90: null },
      leadTimeForChangesSeconds: { median: null, p90: null },
      deploymentReworkRate: null,
    });
  });

  it('uses medians and p90 (linear interpolation), never means', () => {
    const outcomes = [10, 20, 30, 1000].map((lead) => ({ failed: false, recoverySeconds: null, leadTimeSeconds: lead, rework: false }));
    const figures = summarizeDelivery(outcomes, 2 * 86_400_000);
    expect(figures.leadTimeForChangesSeconds).toEqual({ median: 25, p90: 709 });
    expect(figures.deploymentsPerDay).toBe(2);
  });
});

describe('buildDeliveryInsights', () => {
  const period = { from: at('2026-11-08T00:00:00Z'), to: at('2026-11-15T00:00:00Z') };

  it('counts production deployments by the period they finished in, per team and service, with the previous period', () => {
    const deployments = [
      deployment({ id: 'a', finishedAt: at('2026-11-09T00:00:00Z'), commitAt: at('2026-11-08T23:00:00Z') }),
      deployment({ id: 'b', finishedAt: at('2026-11-10T00:00:00Z'), status: 'failed' }),
      deployment({ id: 'c', finishedAt: at('2026-11-10T01:00:00Z') }),
      deployment({ id: 'd', service: 'ledger', finishedAt: at('2026-11-12T00:00:00Z'), fixesIncidentId: 'i9' }),
      deployment({ id: 'e', finishedAt: at('2026-11-03T00:00:00Z') }),
      deployment({ id: 'staging', environment: 'staging', finishedAt: at('2026-11-09T00:00:00Z'), status: 'failed' }),
      deployment({ id: 'old', finishedAt: at('2026-10-01T00:00:00Z') }),
      deployment({ id: 'x', team: 'search', service: 'query', finishedAt: at('2026-11-14T23:59:59Z') }),
    ];
    const insights = buildDeliveryInsights(deployments, [{ causedByDeploymentId: 'a', resolvedAt: at('2026-11-09T02:00:00Z') }], period);
    expect(insights.byTeam.map((row) => [row.team, row.deployments, row.previous.deployments])).toEqual([
      ['payments', 4, 1],
      ['search', 1, 0],
    ]);
    const payments = insights.byTeam[0];
    expect(payments.changeFailureRate).toBe(0.5);
    expect(payments.deploymentReworkRate).toBe(0.25);
    expect(payments.deploymentsPerDay).toBeCloseTo(4 / 7, 12);
    // a: incident resolved 2 h after; b: next succeeded (c) 1 h after.
    expect(payments.failedDeploymentRecoveryTimeSeconds).toEqual({ median: 5400, p90: 6840 });
    // a is failed but still succeeded as a deployment: its lead time counts.
    expect(payments.leadTimeForChangesSeconds).toEqual({ median: 3600, p90: 3600 });
    expect(insights.byService.map((row) => [row.team, row.service, row.deployments])).toEqual([
      ['payments', 'checkout', 3],
      ['payments', 'ledger', 1],
      ['search', 'query', 1],
    ]);
  });
});
