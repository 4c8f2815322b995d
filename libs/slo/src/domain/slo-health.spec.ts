import { historyStepSeconds, prometheusFailureState, worstSloState } from './slo-health';

describe('worstSloState', () => {
  it.each([
    [['ok', 'warning', 'no_data'], 'warning'],
    [['ok', 'critical', 'error'], 'critical'],
    [['ok', 'stale', 'error'], 'error'],
    [['ok', 'no_data'], 'no_data'],
    [['ok', null], 'ok'],
    [[null], null],
    [[], null],
  ] as const)('%j → %s', (states, worst) => {
    expect(worstSloState(states)).toBe(worst);
  });
});

describe('prometheusFailureState', () => {
  const now = new Date('2025-03-03T12:00:00Z');
  const ago = (seconds: number): Date => new Date(now.getTime() - seconds * 1000);

  it('is error while the last good figures are younger than the stale limit, stale from then on', () => {
    expect(prometheusFailureState({ now, lastSuccessAt: ago(60), failingSince: now, staleAfterSeconds: 300 })).toBe('error');
    expect(prometheusFailureState({ now, lastSuccessAt: ago(299), failingSince: ago(200), staleAfterSeconds: 300 })).toBe('error');
    expect(prometheusFailureState({ now, lastSuccessAt: ago(300), failingSince: ago(200), staleAfterSeconds: 300 })).toBe('stale');
  });

  it('is stale at the first failure when the last good figures are already old', () => {
    expect(prometheusFailureState({ now, lastSuccessAt: ago(3600), failingSince: now, staleAfterSeconds: 300 })).toBe('stale');
  });

  it('counts from the first failure when there never was a good evaluation', () => {
    expect(prometheusFailureState({ now, lastSuccessAt: null, failingSince: now, staleAfterSeconds: 300 })).toBe('error');
    expect(prometheusFailureState({ now, lastSuccessAt: null, failingSince: ago(301), staleAfterSeconds: 300 })).toBe('stale');
  });
});

describe('historyStepSeconds', () => {
  const to = new Date('2025-03-03T12:00:00Z');
  const from = (hours: number): Date => new Date(to.getTime() - hours * 3_600_000);

  it.each([
    [1, 60, 60],
    [24, 60, 300],
    [24 * 7, 60, 1800],
    [24 * 30, 60, 3 * 3600],
    [24 * 90, 60, 6 * 3600],
    [1, 300, 300],
  ])('%i hours at a %is cadence → %is steps', (hours, minimum, step) => {
    expect(historyStepSeconds({ from: from(hours), to }, minimum)).toBe(step);
  });

  it('rejects an empty, reversed, invalid or too long range', () => {
    expect(() => historyStepSeconds({ from: to, to }, 60)).toThrow(expect.objectContaining({ field: 'from' }));
    expect(() => historyStepSeconds({ from: to, to: from(1) }, 60)).toThrow(expect.objectContaining({ field: 'from' }));
    expect(() => historyStepSeconds({ from: new Date(Number.NaN), to }, 60)).toThrow(expect.objectContaining({ field: 'from' }));
    expect(() => historyStepSeconds({ from: from(24 * 401), to }, 60)).toThrow(expect.objectContaining({ field: 'from' }));
  });
});
