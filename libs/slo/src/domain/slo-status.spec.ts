import { SloValidationError } from './errors';
import { EventCounts } from './slo-math';
import { evaluateSloStatus, SloStatusInput } from './slo-status';
import { StatusWindowKey } from './slo-window';

const NOW = new Date('2026-11-23T12:00:00Z');
const SHORT_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

/** Counts with the given error ratio per window (1,000,000 events each), `fallback` elsewhere. */
function countsWithRatios(window: string, ratios: Partial<Record<string, number>>, fallback = 0.0005): Partial<Record<StatusWindowKey, EventCounts>> {
  const total = 1_000_000;
  const counts: Partial<Record<StatusWindowKey, EventCounts>> = {};
  for (const key of [...SHORT_WINDOWS, window] as StatusWindowKey[]) {
    counts[key] = { bad: (ratios[key] ?? fallback) * total, total };
  }
  return counts;
}

function input(overrides: Partial<SloStatusInput> = {}): SloStatusInput {
  return { sloId: 'slo-1', objective: 0.999, window: '28d', now: NOW, counts: countsWithRatios('28d', {}), ...overrides };
}

describe('evaluateSloStatus', () => {
  it('produces the documented status shape', () => {
    const status = evaluateSloStatus(input());
    expect(Object.keys(status)).toEqual(['sloId', 'evaluatedAt', 'state', 'objective', 'window', 'sli', 'errorBudgetRemaining', 'windows', 'alerts']);
    expect(status.evaluatedAt).toBe('2026-11-23T12:00:00.000Z');
    expect(Object.keys(status.windows)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '28d']);
    expect(status.windows['1h']).toEqual({ errorRatio: 0.0005, burnRate: expect.closeTo(0.5, 10) });
    expect(status.alerts).toEqual([
      { tier: 'page', long: '1h', short: '5m', factor: 13.44, firing: false },
      { tier: 'page', long: '6h', short: '30m', factor: 5.6, firing: false },
      { tier: 'ticket', long: '1d', short: '2h', factor: 2.8, firing: false },
      { tier: 'ticket', long: '3d', short: '6h', factor: 0.933333333333, firing: false },
    ]);
    expect(status).toMatchObject({ sloId: 'slo-1', state: 'ok', objective: 0.999, window: '28d' });
    expect(status.sli).toBeCloseTo(0.9995, 12);
    expect(status.errorBudgetRemaining).toBeCloseTo(0.5, 10);
  });

  it.each([
    // [case, window, ratios per window, expected state, firing tiers]
    ['steady and healthy', '30d', {}, 'ok', []],
    ['fast burn on 1h and 5m pages', '30d', { '1h': 0.015, '5m': 0.2 }, 'critical', ['1h/5m']],
    ['fast burn that already stopped (5m recovered) does not page', '30d', { '1h': 0.015, '5m': 0 }, 'ok', []],
    ['a 5m spike alone does not page', '30d', { '5m': 0.9 }, 'ok', []],
    ['slow burn on 6h and 30m pages', '30d', { '6h': 0.007, '30m': 0.007 }, 'critical', ['6h/30m']],
    ['1d and 2h above 3x open a ticket', '30d', { '1d': 0.0035, '2h': 0.0035 }, 'warning', ['1d/2h']],
    ['3d and 6h above 1x open a ticket', '30d', { '3d': 0.0011, '6h': 0.0011 }, 'warning', ['3d/6h']],
    ['page wins over ticket', '30d', { '1h': 0.02, '5m': 0.02, '1d': 0.004, '2h': 0.004 }, 'critical', ['1h/5m', '1d/2h']],
    ['28d scaling: 13.5x burn pages on a 28d SLO', '28d', { '1h': 0.0135, '5m': 0.0135 }, 'critical', ['1h/5m']],
    ['30d factors: the same 13.5x burn does not page a 30d SLO', '30d', { '1h': 0.0135, '5m': 0.0135 }, 'ok', []],
    ['7d window: 3.4x over 1h/5m pages', '7d', { '1h': 0.0034, '5m': 0.0034, '3d': 0, '6h': 0 }, 'critical', ['1h/5m']],
    // On 7d, burning 0.5x for 3d spends 21% of the budget: more than the 10% of the 3d/6h tier.
    ['7d window: a steady 0.5x burn is a ticket', '7d', {}, 'warning', ['3d/6h']],
    ['30d window: the same steady 0.5x burn is fine', '30d', {}, 'ok', []],
    ['90d window: 40x over 1h/5m does not page', '90d', { '1h': 0.04, '5m': 0.04 }, 'ok', []],
    ['90d window: 45x over 1h/5m pages', '90d', { '1h': 0.045, '5m': 0.045 }, 'critical', ['1h/5m']],
    ['exhausted budget without a current burn is ok', '30d', { '30d': 0.003 }, 'ok', []],
  ])('%s', (_case, window, ratios, state, firing) => {
    const status = evaluateSloStatus(input({ window, counts: countsWithRatios(window, ratios) }));
    expect(status.state).toBe(state);
    expect(status.alerts.filter((alert) => alert.firing).map((alert) => `${alert.long}/${alert.short}`)).toEqual(firing);
  });

  it('reports a negative remaining budget when the window overspent', () => {
    const status = evaluateSloStatus(input({ window: '30d', counts: countsWithRatios('30d', { '30d': 0.003 }) }));
    expect(status.errorBudgetRemaining).toBeCloseTo(-2, 10);
    expect(status.sli).toBeCloseTo(0.997, 12);
    expect(status.windows['30d'].burnRate).toBeCloseTo(3, 10);
  });

  it('handles objective 0.99999 without float noise in burn rates', () => {
    const status = evaluateSloStatus(
      input({ objective: 0.99999, window: '30d', counts: countsWithRatios('30d', { '30d': 0.00001, '1h': 0.00015, '5m': 0.00015 }) }),
    );
    expect(status.errorBudgetRemaining).toBeCloseTo(0, 9);
    expect(status.windows['30d'].burnRate).toBeCloseTo(1, 9);
    expect(status.windows['1h'].burnRate).toBeCloseTo(15, 9);
    expect(status.state).toBe('critical');
  });

  it('is no_data, never 100% or 0%, when the whole window saw no event', () => {
    const empty = { bad: 0, total: 0 };
    const counts = Object.fromEntries([...SHORT_WINDOWS, '28d'].map((key) => [key, empty]));
    const status = evaluateSloStatus(input({ counts }));
    expect(status.state).toBe('no_data');
    expect(status.sli).toBeNull();
    expect(status.errorBudgetRemaining).toBeNull();
    expect(Object.values(status.windows).every((window) => window.errorRatio === null && window.burnRate === null)).toBe(true);
    expect(status.alerts.some((alert) => alert.firing)).toBe(false);
  });

  it('treats windows that are missing from the counts as no data', () => {
    const status = evaluateSloStatus(input({ counts: {} }));
    expect(status.state).toBe('no_data');
    expect(status.windows['5m']).toEqual({ errorRatio: null, burnRate: null });
  });

  it('does not fire on short windows without traffic (a quiet week) but keeps the window budget', () => {
    const counts = countsWithRatios('28d', {});
    for (const key of SHORT_WINDOWS) {
      counts[key] = { bad: 0, total: 0 };
    }
    const status = evaluateSloStatus(input({ counts }));
    expect(status.state).toBe('ok');
    expect(status.windows['1h'].errorRatio).toBeNull();
    expect(status.errorBudgetRemaining).toBeCloseTo(0.5, 10);
  });

  it.each(['error', 'stale'] as const)('reports a Prometheus failure as %s without changing the numbers', (failure) => {
    const counts = countsWithRatios('28d', { '1h': 0.5, '5m': 0.5 });
    const healthy = evaluateSloStatus(input({ counts }));
    const failed = evaluateSloStatus(input({ counts, prometheusFailure: failure }));
    expect(failed.state).toBe(failure);
    expect({ ...failed, state: healthy.state }).toEqual(healthy);
  });

  it('shares the key when the SLO window equals a short window (1d)', () => {
    const status = evaluateSloStatus(input({ window: '1d', counts: countsWithRatios('1d', { '1d': 0.002 }) }));
    expect(Object.keys(status.windows)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d']);
    expect(status.errorBudgetRemaining).toBeCloseTo(-1, 10);
    expect(status.alerts.map((alert) => alert.long)).toEqual(['1h', '6h', '1d']);
  });

  it.each([
    [{ window: '91d' }, 'window'],
    [{ window: '4w' }, 'window'],
    [{ objective: 1 }, 'objective'],
    [{ objective: 0 }, 'objective'],
  ])('rejects invalid input %p', (overrides, field) => {
    expect(() => evaluateSloStatus(input(overrides))).toThrow(SloValidationError);
    expect(() => evaluateSloStatus(input(overrides))).toThrow(expect.objectContaining({ field }));
  });
});
