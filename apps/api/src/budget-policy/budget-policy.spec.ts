import type { SloStatus } from '@app/slo';
import { decideBudgetPolicyActions, describeBurn } from './budget-policy';

function status(overrides: { state?: SloStatus['state']; page?: boolean; ticket?: boolean; remaining?: number | null; burn1h?: number } = {}): SloStatus {
  const burn = overrides.burn1h ?? 1;
  return {
    sloId: 'slo-1',
    evaluatedAt: '2026-11-24T00:00:00.000Z',
    state: overrides.state ?? (overrides.page ? 'critical' : overrides.ticket ? 'warning' : 'ok'),
    objective: 0.999,
    window: '28d',
    sli: 0.9995,
    errorBudgetRemaining: overrides.remaining === undefined ? 0.5 : overrides.remaining,
    windows: { '5m': { errorRatio: 0.001, burnRate: burn }, '1h': { errorRatio: 0.001, burnRate: burn }, '28d': { errorRatio: 0.0005, burnRate: 0.5 } },
    alerts: [
      { tier: 'page', long: '1h', short: '5m', factor: 13.44, firing: Boolean(overrides.page) },
      { tier: 'ticket', long: '1d', short: '2h', factor: 2.8, firing: Boolean(overrides.ticket) },
    ],
  } as SloStatus;
}

describe('decideBudgetPolicyActions', () => {
  it.each([
    ['first evaluation, healthy', null, status(), ['quiet']],
    ['page tier starts firing', status(), status({ page: true, burn1h: 20 }), ['page_burn_started']],
    ['page tier keeps firing: nothing new', status({ page: true }), status({ page: true }), []],
    ['page tier stops', status({ page: true }), status(), ['page_burn_stopped']],
    ['ticket tier starts (no page)', status(), status({ ticket: true }), ['ticket_burn_started']],
    ['ticket tier keeps firing', status({ ticket: true }), status({ ticket: true }), ['quiet']],
    ['ticket while paging is not a separate warning', status(), status({ page: true, ticket: true }), ['page_burn_started']],
    ['budget exhausted', status({ remaining: 0.01 }), status({ remaining: -0.2 }), ['budget_exhausted']],
    ['budget stays exhausted: once', status({ remaining: -0.1 }), status({ remaining: -0.2 }), ['quiet']],
    ['no data is not exhaustion', status(), status({ state: 'no_data', remaining: null }), ['quiet']],
    ['Prometheus failing: no decision', status({ page: true }), status({ state: 'error', page: false }), []],
    ['stale: no decision', status(), status({ state: 'stale', page: true, remaining: -1 }), []],
    ['recovery from a failure while still burning: no second start', status({ state: 'error', page: true }), status({ page: true }), []],
  ])('%s', (_label, previous, current, expected) => {
    expect(decideBudgetPolicyActions(previous, current).map((action) => action.kind)).toEqual(expected);
  });

  it('carries the burn figures of the firing tier', () => {
    const [action] = decideBudgetPolicyActions(status(), status({ page: true, burn1h: 21.5 }));
    expect(action).toEqual({ kind: 'page_burn_started', burnRate: 21.5, longWindow: '1h', shortWindow: '5m' });
    expect(describeBurn('checkout-availability', status({ page: true, burn1h: 21.5 }))).toContain('1h: 21.5x');
  });
});
