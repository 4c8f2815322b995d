import { sloWindowText } from '@app/slo';
import type { SloBudgetSummary, SloEntity, SloHistory, SloStatus, SloWarning, TeamSloRollup } from '@app/slo';

export function presentSlo(slo: SloEntity, warnings?: readonly SloWarning[]) {
  return {
    id: slo.id,
    service: slo.service.slug,
    team: slo.service.team.slug,
    name: slo.name,
    description: slo.description,
    objective: slo.objective,
    window: sloWindowText(slo),
    ...(slo.windowTimeZone ? { timeZone: slo.windowTimeZone } : {}),
    indicator: slo.indicator,
    policy: slo.policy,
    state: slo.state,
    status: slo.status,
    evaluation: {
      evaluatedAt: slo.evaluatedAt,
      lastSuccessAt: slo.lastSuccessAt,
      consecutiveFailures: slo.consecutiveFailures,
      lastError: slo.lastError,
      nextEvaluationAt: slo.nextEvaluationAt,
    },
    createdAt: slo.createdAt,
    updatedAt: slo.updatedAt,
    ...(warnings !== undefined ? { warnings } : {}),
  };
}

/** The status document exactly as DESIGN.md defines it. */
export function presentStatus(status: SloStatus): SloStatus {
  return status;
}

export function presentBudgetSummary(slo: SloBudgetSummary) {
  return {
    id: slo.sloId,
    name: slo.name,
    service: slo.service,
    team: slo.team,
    objective: slo.objective,
    window: slo.window,
    state: slo.state,
    sli: slo.sli,
    errorBudgetRemaining: slo.errorBudgetRemaining,
    evaluatedAt: slo.evaluatedAt,
  };
}

export function presentRollup(rollup: TeamSloRollup) {
  return { team: rollup.team, state: rollup.state, stateCounts: rollup.stateCounts, slos: rollup.slos.map(presentBudgetSummary) };
}

export function presentHistory(history: SloHistory) {
  return {
    sloId: history.sloId,
    window: history.window,
    from: history.from,
    to: history.to,
    stepSeconds: history.stepSeconds,
    points: history.points,
  };
}
