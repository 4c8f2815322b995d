import type { SloStatus } from '@app/slo';

/**
 * The error budget policy as a pure decision on two consecutive evaluations.
 * The SLO engine evaluates each SLO once per cycle across replicas and hands
 * over the previous status, so acting on edges (not levels) means each
 * signal fires once per lapse.
 */
export type BudgetPolicyAction =
  | { kind: 'page_burn_started'; burnRate: number | null; longWindow: string; shortWindow: string }
  | { kind: 'page_burn_stopped'; burnRate: number | null }
  | { kind: 'ticket_burn_started'; burnRate: number | null; longWindow: string }
  | { kind: 'budget_exhausted'; errorBudgetRemaining: number }
  | { kind: 'quiet' };

/** Evaluations without fresh numbers say nothing about burning (never a budget change, never an all-clear). */
function hasFreshNumbers(status: SloStatus | null): status is SloStatus {
  return status !== null && status.state !== 'error' && status.state !== 'stale';
}

/** A failed evaluation carries the last known figures, so its alerts still say what was firing before. */
function firingTier(status: SloStatus | null, tier: 'page' | 'ticket') {
  return status?.alerts.find((alert) => alert.tier === tier && alert.firing);
}

function burnRateOf(status: SloStatus, window: string): number | null {
  return status.windows[window]?.burnRate ?? null;
}

export function decideBudgetPolicyActions(previous: SloStatus | null, current: SloStatus): BudgetPolicyAction[] {
  if (!hasFreshNumbers(current)) return [];
  const actions: BudgetPolicyAction[] = [];
  const pageNow = firingTier(current, 'page');
  const pageBefore = firingTier(previous, 'page');
  if (pageNow && !pageBefore) {
    actions.push({ kind: 'page_burn_started', burnRate: burnRateOf(current, pageNow.long), longWindow: pageNow.long, shortWindow: pageNow.short });
  } else if (!pageNow && pageBefore) {
    actions.push({ kind: 'page_burn_stopped', burnRate: burnRateOf(current, pageBefore.long) });
  }
  const ticketNow = firingTier(current, 'ticket');
  const ticketBefore = firingTier(previous, 'ticket');
  if (!pageNow && ticketNow && !ticketBefore && !pageBefore) {
    actions.push({ kind: 'ticket_burn_started', burnRate: burnRateOf(current, ticketNow.long), longWindow: ticketNow.long });
  }
  const remainingNow = current.errorBudgetRemaining;
  const remainingBefore = previous?.errorBudgetRemaining ?? null;
  if (remainingNow !== null && remainingNow <= 0 && !(remainingBefore !== null && remainingBefore <= 0)) {
    actions.push({ kind: 'budget_exhausted', errorBudgetRemaining: remainingNow });
  }
  if (actions.length === 0 && !pageNow) actions.push({ kind: 'quiet' });
  return actions;
}

export function formatBurnRate(burnRate: number | null): string {
  return burnRate === null ? 'n/a' : `${burnRate.toFixed(1)}x`;
}

export function formatPercent(value: number | null): string {
  return value === null ? 'n/a' : `${(value * 100).toFixed(2)}%`;
}

/** The burn figures written into the incident summary and Slack messages. */
export function describeBurn(name: string, status: SloStatus): string {
  const windows = ['5m', '1h', '6h', '1d', '3d', status.window]
    .filter((window, index, all) => all.indexOf(window) === index && status.windows[window])
    .map((window) => `${window}: ${formatBurnRate(status.windows[window].burnRate)}`)
    .join(', ');
  return `SLO ${name} (objective ${formatPercent(status.objective)} over ${status.window}): SLI ${formatPercent(status.sli)}, error budget remaining ${formatPercent(status.errorBudgetRemaining)}. Burn rates — ${windows}.`;
}
