import { deployGateReasons } from './deploy-gate';

describe('deployGateReasons', () => {
  it('closes only for exhausted budgets of SLOs that freeze deploys', () => {
    expect(
      deployGateReasons([
        { id: 'a', name: 'latency', freezeDeploys: true, errorBudgetRemaining: -0.4 },
        { id: 'b', name: 'availability', freezeDeploys: true, errorBudgetRemaining: 0 },
        { id: 'c', name: 'healthy', freezeDeploys: true, errorBudgetRemaining: 0.3 },
        { id: 'd', name: 'not-freezing', freezeDeploys: false, errorBudgetRemaining: -1 },
        { id: 'e', name: 'no-data', freezeDeploys: true, errorBudgetRemaining: null },
      ]),
    ).toEqual([
      { sloId: 'b', name: 'availability', errorBudgetRemaining: 0 },
      { sloId: 'a', name: 'latency', errorBudgetRemaining: -0.4 },
    ]);
  });
});
