import { Injectable } from '@nestjs/common';
import { IncidentInsights, InsightsService, Period } from '@app/incidents';
import { SloBudgetSummary, SloReadModel } from '@app/slo';

/** How many SLOs the insights answer lists, least error budget left first. */
export const SLOS_WITH_LEAST_BUDGET = 5;

export interface IncidentInsightsReportBody extends IncidentInsights {
  /** The evaluated SLOs (of the team, when one is asked for) with the least error budget left, fewest first. */
  readonly slosWithLeastBudget: readonly SloBudgetSummary[];
}

/**
 * GET /api/v1/insights/incidents: the incident figures of the incidents lib
 * beside the SLOs closest to (or past) their budget from the SLO engine —
 * the two libs don't know each other, so the app puts them side by side.
 */
@Injectable()
export class IncidentInsightsReport {
  constructor(
    private readonly insights: InsightsService,
    private readonly slos: SloReadModel,
  ) {}

  async build(period: Period, filter: { readonly team?: string; readonly viewerTeamId?: string }): Promise<IncidentInsightsReportBody> {
    const [incidents, slosWithLeastBudget] = await Promise.all([
      this.insights.incidentInsights(period, filter),
      this.slos.leastBudget({ team: filter.team, limit: SLOS_WITH_LEAST_BUDGET }),
    ]);
    return { ...incidents, slosWithLeastBudget };
  }
}
