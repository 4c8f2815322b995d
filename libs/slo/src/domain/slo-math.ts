import { describeValue, SloValidationError } from './errors';

/** Events counted over one window. `bad` ≤ `total` for well-formed counts. */
export interface EventCounts {
  readonly bad: number;
  readonly total: number;
}

/** Accepts an objective strictly between 0 and 1 (0.999 = "three nines"). */
export function validateObjective(objective: unknown, field = 'objective'): number {
  if (typeof objective !== 'number' || !Number.isFinite(objective) || objective <= 0 || objective >= 1) {
    throw new SloValidationError(field, `${field} must be a number strictly between 0 and 1 (e.g. 0.999), got ${describeValue(objective)}`);
  }
  return objective;
}

/**
 * Error budget B = 1 - objective, computed on the objective's decimal digits so
 * that 0.99999 gives exactly 1e-5 instead of 1.0000000000065512e-5: binary
 * subtraction noise would otherwise leak into every burn rate.
 */
export function errorBudget(objective: number): number {
  const known = budgets.get(objective);
  if (known !== undefined) return known;
  const budget = computeErrorBudget(objective);
  if (budgets.size >= 10_000) budgets.clear();
  budgets.set(objective, budget);
  return budget;
}

/** errorBudget per objective: a history of 720 steps asks for it about 8,000 times. */
const budgets = new Map<number, number>();

function computeErrorBudget(objective: number): number {
  validateObjective(objective);
  const decimals = /^0\.(\d+)$/.exec(String(objective));
  if (!decimals) {
    return 1 - objective;
  }
  const digits = decimals[1];
  const complement = 10n ** BigInt(digits.length) - BigInt(digits);
  return Number(`${complement}e-${digits.length}`);
}

/**
 * e = bad / total. Returns null ("no data") when there were no events or the
 * counts are not numbers at all, never 0 or 1: zero traffic is not a perfect
 * SLI and not an outage.
 * - NaN or ±Infinity in either count → null.
 * - total ≤ 0 (no events; a negative total can only come from broken input) → null.
 * - bad < 0 → treated as 0, bad > total → treated as total. Both happen when bad
 *   and total come from separately extrapolated `increase()` results.
 */
export function errorRatio(bad: number, total: number): number | null {
  if (!Number.isFinite(bad) || !Number.isFinite(total) || total <= 0) {
    return null;
  }
  return Math.min(Math.max(bad, 0), total) / total;
}

export function errorRatioOfCounts(counts: EventCounts | undefined): number | null {
  return counts === undefined ? null : errorRatio(counts.bad, counts.total);
}

/** SLI = 1 - e(W): the share of good events. */
export function sli(errorRatioOverWindow: number | null): number | null {
  return errorRatioOverWindow === null ? null : 1 - errorRatioOverWindow;
}

/** 1 - e(W)/B: 1 = untouched budget, 0 = spent, negative = overspent. */
export function errorBudgetRemaining(errorRatioOverWindow: number | null, objective: number): number | null {
  return errorRatioOverWindow === null ? null : 1 - errorRatioOverWindow / errorBudget(objective);
}

/** e(w)/B: 1 spends exactly the budget over the SLO window. */
export function burnRate(errorRatioOverWindow: number | null, objective: number): number | null {
  return errorRatioOverWindow === null ? null : errorRatioOverWindow / errorBudget(objective);
}
