import { isTemplateIndicator, type SloIndicator } from '@app/slo';

/**
 * What the window's numbers say, whatever the burn-rate tiers say: an SLO whose
 * budget is spent has missed its objective over the window even when no tier
 * burns right now (the state reads `ok` then).
 */
export function sloVerdicts(figures: {
  readonly errorBudgetRemaining: number | null | undefined;
  readonly sli: number | null | undefined;
  readonly objective: number;
}): string[] {
  const verdicts: string[] = [];
  if (figures.errorBudgetRemaining !== null && figures.errorBudgetRemaining !== undefined && figures.errorBudgetRemaining <= 0)
    verdicts.push('budget exhausted');
  if (figures.sli !== null && figures.sli !== undefined && figures.sli < figures.objective) verdicts.push('objective missed');
  return verdicts;
}

/**
 * The SLI chart's axis: around the objective (from objective − 2 × budget, or
 * lower if the SLI went lower, up to 100%), so a change near the objective is
 * visible instead of flattened against 0%.
 */
export function sliAxis(objective: number, values: ReadonlyArray<number | null>): { yMin: number; yMax: number } {
  const budget = 1 - objective;
  const lowest = Math.min(...values.filter((value): value is number => value !== null && Number.isFinite(value)), objective);
  const yMin = Math.max(0, Math.min(objective - 2 * budget, lowest - budget * 0.25));
  return { yMin, yMax: 1 };
}

/** What the SLO measures, as label/value rows for the page. */
export function indicatorRows(indicator: SloIndicator): Array<{ label: string; value: string }> {
  if (indicator.kind === 'threshold') {
    return [
      { label: 'Kind', value: `threshold, timeslices of ${indicator.budgeting.slice}` },
      { label: 'Query', value: indicator.query },
      {
        label: 'Threshold',
        value: `${indicator.op} ${indicator.value} (a slice is good when ${(indicator.budgeting.sliceTarget ?? 1) * 100}% of its points meet it)`,
      },
    ];
  }
  if (indicator.kind === 'latency') {
    return [
      { label: 'Kind', value: 'latency (histogram)' },
      { label: 'Histogram', value: indicator.histogram },
      { label: 'Threshold', value: `${indicator.threshold} s (requests at or under it are good)` },
    ];
  }
  if (isTemplateIndicator(indicator)) {
    return [
      { label: 'Kind', value: 'ratio (PromQL templates, per-second rates)' },
      { label: 'Total query', value: indicator.totalQuery },
      indicator.badQuery !== undefined ? { label: 'Bad query', value: indicator.badQuery } : { label: 'Good query', value: indicator.goodQuery },
    ];
  }
  return [
    { label: 'Kind', value: 'ratio (counter selectors)' },
    { label: 'Total events', value: indicator.total },
    indicator.bad !== undefined ? { label: 'Bad events', value: indicator.bad } : { label: 'Good events', value: indicator.good as string },
  ];
}

/** Periods the SLO page can chart. */
export const DASHBOARD_PERIODS = ['7d', '28d', '90d', 'calendar'] as const;
export type DashboardPeriod = (typeof DASHBOARD_PERIODS)[number];
