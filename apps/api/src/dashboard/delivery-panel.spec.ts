import { deliveryPanelRows, deploymentMarkers } from './delivery-panel';

const figures = {
  deployments: 14,
  deploymentsPerDay: 2,
  changeFailureRate: 0.25,
  failedDeploymentRecoveryTimeSeconds: { median: 1800, p90: 7200 },
  leadTimeForChangesSeconds: { median: 7200, p90: 86_400 },
  deploymentReworkRate: 0.1,
};

describe('deliveryPanelRows', () => {
  it('shows the five figures with the previous period and whether the trend is better or worse', () => {
    const rows = deliveryPanelRows({
      ...figures,
      previous: {
        ...figures,
        deployments: 7,
        deploymentsPerDay: 1,
        changeFailureRate: 0.5,
        deploymentReworkRate: 0.05,
        leadTimeForChangesSeconds: { median: 7200, p90: 7200 },
      },
    });
    expect(rows.map((row) => [row.measure, row.trend])).toEqual([
      ['Deployments per day', '↑ better'],
      ['Change failure rate', '↓ better'],
      ['Failed deployment recovery time (median)', '→ same'],
      ['Lead time for changes (median)', '→ same'],
      ['Deployment rework rate', '↑ worse'],
    ]);
    expect(rows[0]).toMatchObject({ value: '2.00 (14)', previous: '1.00 (7)' });
    expect(rows[2].value).toBe('30 min (p90 2.0 h)');
  });

  it('is empty without deployments, and a figure with no data has no trend', () => {
    expect(deliveryPanelRows(null)).toEqual([]);
    const none = {
      deployments: 0,
      deploymentsPerDay: 0,
      changeFailureRate: null,
      failedDeploymentRecoveryTimeSeconds: { median: null, p90: null },
      leadTimeForChangesSeconds: { median: null, p90: null },
      deploymentReworkRate: null,
    };
    expect(deliveryPanelRows({ ...figures, previous: none })[1]).toMatchObject({ previous: '–', trend: '–' });
  });
});

describe('deploymentMarkers', () => {
  it("marks the service's deployments, naming failed ones and linking to CI", () => {
    const at = new Date('2026-11-30T10:00:00Z');
    const markers = deploymentMarkers(
      [
        { finishedAt: at, version: 'v2', status: 'rolled_back', service: 'checkout', url: 'https://ci.example.com/1' },
        { finishedAt: at, version: 'v3', status: 'succeeded', service: 'ledger', url: null },
      ],
      'checkout',
    );
    expect(markers).toEqual([{ at, label: 'deploy v2 (rolled back)', href: 'https://ci.example.com/1' }]);
  });
});
