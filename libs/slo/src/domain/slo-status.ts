import { alertTiersForSlo, AlertSeverity, isAlertTierFiring } from './burn-rate-alerts';
import { CalendarPeriod, calendarErrorBudgetRemaining } from './calendar-window';
import { burnRate, errorBudget, errorBudgetRemaining, errorRatioOfCounts, EventCounts, sli, validateObjective } from './slo-math';
import { EVALUATION_WINDOWS, EvaluationWindow, parseWindow, SloWindow, StatusWindowKey } from './slo-window';

export type SloState = 'ok' | 'warning' | 'critical' | 'no_data' | 'stale' | 'error';

/**
 * Why Prometheus gave no fresh numbers: `error` = the query failed (bad answer,
 * unreachable), `stale` = the evaluator has only counts older than it accepts.
 */
export type PrometheusFailure = 'error' | 'stale';

export interface SloStatusInput {
  readonly sloId: string;
  readonly objective: number;
  /** The SLO window, `Nd`. */
  readonly window: string;
  readonly now: Date;
  /**
   * Event counts per window: `5m`..`3d` and the SLO window's own key (`28d`).
   * A missing window means "no data" for it.
   */
  readonly counts: Readonly<Partial<Record<StatusWindowKey, EventCounts>>>;
  /**
   * Set when this evaluation could not read Prometheus. The state then reports
   * the failure and the numbers are computed from `counts`, which the caller
   * fills with the last known counts: a Prometheus outage never moves the budget.
   */
  readonly prometheusFailure?: PrometheusFailure;
  /** Calendar SLOs: the current period (`window` is then its name and `counts[window]` covers [period start, now]). */
  readonly period?: CalendarPeriod;
  /** Events left out of the SLO window's counts (policy.excludeMaintenance), reported as `excludedEvents`. */
  readonly excludedEvents?: EventCounts;
}

export interface SloWindowStatus {
  readonly errorRatio: number | null;
  readonly burnRate: number | null;
}

export interface SloAlertStatus {
  readonly tier: AlertSeverity;
  readonly long: EvaluationWindow;
  readonly short: EvaluationWindow;
  readonly factor: number;
  readonly firing: boolean;
}

/** The `GET /api/v1/slos/:id/status` document of DESIGN.md. */
export interface SloStatus {
  readonly sloId: string;
  readonly evaluatedAt: string;
  readonly state: SloState;
  readonly objective: number;
  readonly window: string;
  readonly sli: number | null;
  readonly errorBudgetRemaining: number | null;
  readonly windows: Readonly<Record<string, SloWindowStatus>>;
  readonly alerts: readonly SloAlertStatus[];
  /** Calendar SLOs: the period's time zone, start and end (when the budget starts afresh). */
  readonly timeZone?: string;
  readonly periodStart?: string;
  readonly periodEnd?: string;
  /** policy.excludeMaintenance: events of 5-minute buckets overlapping a maintenance, not counted in the SLO window. */
  readonly excludedEvents?: EventCounts;
}

/**
 * Turns event counts into the status: ratios, budget, burn rates, alert tiers
 * and the state. Precedence: a Prometheus failure, then `no_data` (no event in
 * the whole window), then `critical` (a page tier fires), `warning` (a ticket
 * tier fires), `ok`.
 */
export function evaluateSloStatus(input: SloStatusInput): SloStatus {
  const objective = validateObjective(input.objective);
  const period = input.period;
  // A calendar window scales the burn-rate tiers to its period's length.
  const window: SloWindow = period
    ? { days: period.seconds / 86_400, seconds: period.seconds, label: `${period.seconds / 86_400}d` }
    : parseWindow(input.window);
  const windowKey: StatusWindowKey = period ? period.window : window.label;

  const windowKeys: StatusWindowKey[] = [...EVALUATION_WINDOWS, windowKey];
  const errorRatios = new Map<StatusWindowKey, number | null>(windowKeys.map((key) => [key, errorRatioOfCounts(input.counts[key])]));
  const windows: Record<string, SloWindowStatus> = {};
  for (const key of windowKeys) {
    const ratio = errorRatios.get(key) ?? null;
    windows[key] = { errorRatio: ratio, burnRate: burnRate(ratio, objective) };
  }

  const alerts: SloAlertStatus[] = alertTiersForSlo(objective, window).map((tier) => ({
    tier: tier.severity,
    long: tier.longWindow,
    short: tier.shortWindow,
    factor: tier.factor,
    firing: isAlertTierFiring(tier, errorRatios.get(tier.longWindow) ?? null, errorRatios.get(tier.shortWindow) ?? null),
  }));

  const fullWindowErrorRatio = errorRatios.get(windowKey) ?? null;
  return {
    sloId: input.sloId,
    evaluatedAt: input.now.toISOString(),
    state: sloState(input.prometheusFailure, fullWindowErrorRatio, alerts),
    objective,
    window: windowKey,
    sli: sli(fullWindowErrorRatio),
    errorBudgetRemaining: period
      ? calendarErrorBudgetRemaining(fullWindowErrorRatio, errorBudget(objective), period, input.now)
      : errorBudgetRemaining(fullWindowErrorRatio, objective),
    windows,
    alerts,
    ...(period ? { timeZone: period.timeZone, periodStart: period.start.toISOString(), periodEnd: period.end.toISOString() } : {}),
    ...(input.excludedEvents ? { excludedEvents: input.excludedEvents } : {}),
  };
}

function sloState(prometheusFailure: PrometheusFailure | undefined, fullWindowErrorRatio: number | null, alerts: readonly SloAlertStatus[]): SloState {
  if (prometheusFailure !== undefined) {
    return prometheusFailure;
  }
  if (fullWindowErrorRatio === null) {
    return 'no_data';
  }
  if (alerts.some((alert) => alert.firing && alert.tier === 'page')) {
    return 'critical';
  }
  if (alerts.some((alert) => alert.firing && alert.tier === 'ticket')) {
    return 'warning';
  }
  return 'ok';
}
