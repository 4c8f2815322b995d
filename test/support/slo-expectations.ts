// Expected SLO statuses computed from the generated events only (never from
// Prometheus or the stored buckets), and a comparison to 1e-6 relative.
import { evaluateSloStatus, EVALUATION_WINDOWS, EventCounts, parseWindow, SloStatus, StatusWindowKey, statusWindowSeconds } from '@app/slo';
import { expectedEvents, TrafficScenario } from './synthetic-traffic';

export const RELATIVE_TOLERANCE = 1e-6;

/** The status an exact evaluator gives at `nowSeconds`, from the generated events. */
export function expectedStatus(
  scenario: TrafficScenario,
  slo: { readonly id: string; readonly objective: number; readonly window: string },
  nowSeconds: number,
): SloStatus {
  const keys: StatusWindowKey[] = [...EVALUATION_WINDOWS, parseWindow(slo.window).label];
  const counts: Partial<Record<StatusWindowKey, EventCounts>> = {};
  for (const key of keys) {
    counts[key] = expectedEvents(scenario, nowSeconds, statusWindowSeconds(key));
  }
  return evaluateSloStatus({ sloId: slo.id, objective: slo.objective, window: slo.window, now: new Date(nowSeconds * 1000), counts });
}

/** Every number of the status within RELATIVE_TOLERANCE (nulls equal), state and alerts equal. */
export function expectSameStatus(actual: SloStatus, expected: SloStatus, tolerance = RELATIVE_TOLERANCE): void {
  expect({ state: actual.state, alerts: actual.alerts, objective: actual.objective, window: actual.window, evaluatedAt: actual.evaluatedAt }).toEqual({
    state: expected.state,
    alerts: expected.alerts,
    objective: expected.objective,
    window: expected.window,
    evaluatedAt: expected.evaluatedAt,
  });
  expect(Object.keys(actual.windows).sort()).toEqual(Object.keys(expected.windows).sort());
  const numbers = (status: SloStatus): Array<[string, number | null]> => [
    ['sli', status.sli],
    ['errorBudgetRemaining', status.errorBudgetRemaining],
    ...Object.entries(status.windows).flatMap(([key, window]): Array<[string, number | null]> => [
      [`${key}.errorRatio`, window.errorRatio],
      [`${key}.burnRate`, window.burnRate],
    ]),
  ];
  const expectedNumbers = new Map(numbers(expected));
  for (const [name, value] of numbers(actual)) {
    const wanted = expectedNumbers.get(name) ?? null;
    if (wanted === null || value === null) {
      expect({ name, value }).toEqual({ name, value: wanted });
    } else {
      const close = Math.abs(value - wanted) <= tolerance * Math.max(Math.abs(wanted), 1e-9);
      expect({ name, value, wanted, close }).toEqual({ name, value, wanted, close: true });
    }
  }
}
