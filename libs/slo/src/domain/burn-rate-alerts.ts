import { errorBudget } from './slo-math';
import { EvaluationWindow, evaluationWindowSeconds, SloWindow } from './slo-window';

export type AlertSeverity = 'page' | 'ticket';

/**
 * One multi-window, multi-burn-rate alert of the Google SRE Workbook ("Alerting on
 * SLOs", table 5-8): it fires when `budgetShare` of the window's error budget
 * would be spent within `longWindow`, confirmed by `shortWindow` (still burning).
 */
export interface BurnRateAlertTier {
  readonly severity: AlertSeverity;
  readonly longWindow: EvaluationWindow;
  readonly shortWindow: EvaluationWindow;
  readonly budgetShare: number;
}

/** For a 30d window these give the Workbook factors 14.4, 6, 3 and 1. */
export const BURN_RATE_ALERT_TIERS: readonly BurnRateAlertTier[] = [
  { severity: 'page', longWindow: '1h', shortWindow: '5m', budgetShare: 0.02 },
  { severity: 'page', longWindow: '6h', shortWindow: '30m', budgetShare: 0.05 },
  { severity: 'ticket', longWindow: '1d', shortWindow: '2h', budgetShare: 0.1 },
  { severity: 'ticket', longWindow: '3d', shortWindow: '6h', budgetShare: 0.1 },
];

export interface ScaledBurnRateAlertTier extends BurnRateAlertTier {
  /** Burn rate both windows must exceed. */
  readonly factor: number;
  /** factor × B: the error ratio both windows must exceed (what the Prometheus rules compare). */
  readonly errorRatioThreshold: number;
}

/**
 * factor = budgetShare × W / longWindow: spending `budgetShare` of the budget of
 * window W within `longWindow` means burning that many times faster than "exactly
 * the budget over W". Rounded to 12 significant digits so 0.02 × 720 prints 14.4.
 */
export function burnRateFactor(budgetShare: number, sloWindowSeconds: number, longWindowSeconds: number): number {
  return roundSignificant((budgetShare * sloWindowSeconds) / longWindowSeconds);
}

/**
 * The tiers that apply to an SLO. A tier whose long window is longer than the SLO
 * window itself (3d on a 1d or 2d SLO) is dropped: it would look at events that
 * are no longer part of the budget.
 */
export function alertTiersForSlo(objective: number, window: SloWindow): ScaledBurnRateAlertTier[] {
  // The tiers depend on the objective and the window's length only; a history computes them at every step.
  const key = `${objective}/${window.seconds}`;
  const known = scaledTiers.get(key);
  if (known !== undefined) return [...known];
  const tiers = scaleTiers(objective, window);
  if (scaledTiers.size >= 10_000) scaledTiers.clear();
  scaledTiers.set(key, tiers);
  return [...tiers];
}

const scaledTiers = new Map<string, readonly ScaledBurnRateAlertTier[]>();

function scaleTiers(objective: number, window: SloWindow): ScaledBurnRateAlertTier[] {
  const budget = errorBudget(objective);
  return BURN_RATE_ALERT_TIERS.filter((tier) => evaluationWindowSeconds(tier.longWindow) <= window.seconds).map((tier) => {
    const factor = burnRateFactor(tier.budgetShare, window.seconds, evaluationWindowSeconds(tier.longWindow));
    return { ...tier, factor, errorRatioThreshold: roundSignificant(factor * budget) };
  });
}

/**
 * Both windows must exceed the threshold; a window without data (null) never
 * confirms, so zero traffic can't page anyone.
 */
export function isAlertTierFiring(
  tier: Pick<ScaledBurnRateAlertTier, 'errorRatioThreshold'>,
  longWindowErrorRatio: number | null,
  shortWindowErrorRatio: number | null,
): boolean {
  return (
    longWindowErrorRatio !== null &&
    shortWindowErrorRatio !== null &&
    longWindowErrorRatio > tier.errorRatioThreshold &&
    shortWindowErrorRatio > tier.errorRatioThreshold
  );
}

export function roundSignificant(value: number, digits = 12): number {
  return value === 0 || !Number.isFinite(value) ? value : Number(value.toPrecision(digits));
}
