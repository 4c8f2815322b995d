import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { formatIncidentReference, IncidentQueriesService } from '@app/incidents';
import { Clock } from '@app/platform';
import { FollowUpEntity } from '../follow-ups/follow-up.entity';
import { FollowUpsService } from '../follow-ups/follow-ups.service';
import { PostmortemBudgetImpact, postmortemRequirement, PostmortemStatus } from './domain/postmortem-rules';
import { PostmortemsService } from './postmortems.service';

export interface IncidentBudgetFigure {
  readonly incidentId: string;
  readonly reference: string;
  readonly title: string;
  readonly severity: string;
  /** The largest share of any linked SLO's budget the incident consumed. */
  readonly budgetConsumed: number;
  readonly sloName: string;
  readonly postmortemStatus: PostmortemStatus | null;
}

/** What the weekly digest and the team dashboard show about postmortems and follow-ups. */
export interface TeamAfterIncidentFigures {
  readonly teamId: string;
  readonly from: Date;
  readonly to: Date;
  readonly postmortems: {
    readonly required: number;
    readonly published: number;
    readonly requiredPublished: number;
    readonly requiredMissing: ReadonlyArray<{ readonly reference: string; readonly title: string }>;
  };
  readonly followUps: { readonly open: number; readonly overdue: number; readonly overdueItems: readonly FollowUpEntity[] };
  /** Incidents of the period by the budget they consumed, largest first (those without SLO traffic left out). */
  readonly incidentsByBudgetConsumed: readonly IncidentBudgetFigure[];
}

const MAX_INCIDENTS = 200;

/**
 * Per-team postmortem and follow-up figures over a period (incidents that
 * started in it): postmortems required and published, open and overdue
 * follow-ups, incidents by budget consumed. The weekly digest calls
 * `teamFigures(teamId, { from, to })`.
 */
@Injectable()
export class AfterIncidentFiguresService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly incidentQueries: IncidentQueriesService,
    private readonly postmortems: PostmortemsService,
    private readonly followUps: FollowUpsService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async teamFigures(teamId: string, period: { readonly from: Date; readonly to: Date }): Promise<TeamAfterIncidentFigures> {
    const now = this.clock.now();
    const rows = (await this.dataSource.query(
      `SELECT i.id, p.status, p.required, p.budget_impact AS "budgetImpact"
       FROM incidents i LEFT JOIN postmortems p ON p.incident_id = i.id
       WHERE i.team_id = $1 AND i.started_at >= $2 AND i.started_at < $3
       ORDER BY i.started_at DESC LIMIT ${MAX_INCIDENTS}`,
      [teamId, period.from.toISOString(), period.to.toISOString()],
    )) as Array<{ id: string; status: PostmortemStatus | null; required: boolean | null; budgetImpact: PostmortemBudgetImpact[] | null }>;
    let required = 0;
    let published = 0;
    let requiredPublished = 0;
    const requiredMissing: Array<{ reference: string; title: string }> = [];
    const byBudget: IncidentBudgetFigure[] = [];
    for (const row of rows) {
      const incident = await this.incidentQueries.getIncidentById(row.id);
      // A postmortem stores the impact it was written with; without one, the impact is computed now.
      const impacts = row.budgetImpact ?? (await this.postmortems.budgetImpactOf(incident, now));
      const isRequired = row.required ?? postmortemRequirement(incident.severity, impacts, this.config.POSTMORTEM_BUDGET_SHARE).required;
      if (row.status === 'published') published += 1;
      if (isRequired) {
        required += 1;
        if (row.status === 'published') requiredPublished += 1;
        else requiredMissing.push({ reference: formatIncidentReference(incident.number), title: incident.title });
      }
      const worst = impacts.filter((impact) => impact.budgetConsumed !== null).sort((a, b) => (b.budgetConsumed ?? 0) - (a.budgetConsumed ?? 0))[0];
      if (worst) {
        byBudget.push({
          incidentId: incident.id,
          reference: formatIncidentReference(incident.number),
          title: incident.title,
          severity: incident.severity,
          budgetConsumed: worst.budgetConsumed as number,
          sloName: worst.name,
          postmortemStatus: row.status,
        });
      }
    }
    const counts = (await this.followUps.teamFigures([teamId])).get(teamId) ?? { open: 0, overdue: 0 };
    return {
      teamId,
      from: period.from,
      to: period.to,
      postmortems: { required, published, requiredPublished, requiredMissing },
      followUps: { ...counts, overdueItems: await this.followUps.overdueForTeam(teamId, 20) },
      incidentsByBudgetConsumed: byBudget.sort((a, b) => b.budgetConsumed - a.budgetConsumed).slice(0, 10),
    };
  }
}
