import { worstSloState } from '../domain/slo-health';
import type { SloComponentStatusTier } from '../domain/slo-policy';
import type { SloState } from '../domain/slo-status';
import { sloWindowText } from '../domain/slo-window-columns';
import { SloEntity } from '../persistence/slo.entity';

// What the SLO read model answers: lists, latest states, budgets and rollups, history.

export interface ListSlosFilter {
  /** Team slug. */
  readonly team?: string;
  /** Service slug. */
  readonly service?: string;
  readonly state?: SloState;
}

/** Latest state of an SLO, for other modules (status page components). */
export interface SloLatestState {
  readonly sloId: string;
  /** null until the first evaluation. */
  readonly state: SloState | null;
  readonly evaluatedAt: Date | null;
  readonly sli: number | null;
  readonly errorBudgetRemaining: number | null;
  /** The policy's componentStatusOn, when the SLO's policy was read (latestStates reads it). */
  readonly componentStatusOn?: SloComponentStatusTier;
}

/** An SLO with its key figures, for rollups and insights. */
export interface SloBudgetSummary extends SloLatestState {
  readonly name: string;
  readonly service: string;
  readonly team: string;
  readonly objective: number;
  readonly window: string;
}

export interface TeamSloRollup {
  readonly team: string;
  /** Worst state of the team's SLOs (critical, warning, error, stale, no_data, ok); null without evaluated SLOs. */
  readonly state: SloState | null;
  readonly stateCounts: Readonly<Record<string, number>>;
  /** Ascending by error budget remaining; SLOs without figures last. */
  readonly slos: readonly SloBudgetSummary[];
}

export interface SloHistoryPoint {
  /** Start of the step. */
  readonly time: Date;
  readonly evaluations: number;
  /** The last evaluation's state, SLI and budget in the step (levels). */
  readonly state: SloState;
  readonly sli: number | null;
  readonly errorBudgetRemaining: number | null;
  /** The highest burn rate per window in the step, so short spikes stay visible. */
  readonly burnRates: Readonly<Record<string, number | null>>;
  /** `evaluation`: stored evaluations of the step; `buckets`: derived from the backfilled buckets (no evaluation in the step). */
  readonly source?: 'evaluation' | 'buckets';
}

export interface SloHistory {
  readonly sloId: string;
  readonly window: string;
  readonly from: Date;
  readonly to: Date;
  readonly stepSeconds: number;
  readonly points: readonly SloHistoryPoint[];
}

export function latestState(slo: Pick<SloEntity, 'id' | 'state' | 'evaluatedAt' | 'sli' | 'errorBudgetRemaining'>): SloLatestState {
  return {
    sloId: slo.id,
    state: slo.state,
    evaluatedAt: slo.evaluatedAt,
    sli: slo.sli,
    errorBudgetRemaining: slo.errorBudgetRemaining,
  };
}

export function budgetSummary(slo: SloEntity): SloBudgetSummary {
  return {
    ...latestState(slo),
    name: slo.name,
    service: slo.service.slug,
    team: slo.service.team.slug,
    objective: slo.objective,
    window: sloWindowText(slo),
  };
}

export function rollupOf(team: string, entities: readonly SloEntity[]): TeamSloRollup {
  const slos = entities.map(budgetSummary).sort(byBudgetAscending);
  const stateCounts: Record<string, number> = {};
  for (const slo of slos) {
    const key = slo.state ?? 'not_evaluated';
    stateCounts[key] = (stateCounts[key] ?? 0) + 1;
  }
  return { team, state: worstSloState(slos.map((slo) => slo.state)), stateCounts, slos };
}

function byBudgetAscending(a: SloBudgetSummary, b: SloBudgetSummary): number {
  if (a.errorBudgetRemaining === null || b.errorBudgetRemaining === null) {
    return a.errorBudgetRemaining === b.errorBudgetRemaining ? a.name.localeCompare(b.name) : a.errorBudgetRemaining === null ? 1 : -1;
  }
  return a.errorBudgetRemaining - b.errorBudgetRemaining || a.name.localeCompare(b.name);
}
