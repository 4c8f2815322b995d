import { Injectable } from '@nestjs/common';
import { canActOnTeam, Principal, TeamsService } from '@app/catalog';
import { formatIncidentReference, IncidentQueriesService } from '@app/incidents';
import { Clock, NotFoundError } from '@app/platform';
import { isOverdue } from '../follow-ups/domain/follow-up-rules';
import { FollowUpsService } from '../follow-ups/follow-ups.service';
import { AfterIncidentFiguresService } from './after-incident-figures.service';
import { formatShare, postmortemRequirement } from './domain/postmortem-rules';
import { PostmortemsService } from './postmortems.service';
import { AppConfig } from '@app/config';

const when = (value: Date | null | undefined): string => (value ? value.toISOString().slice(0, 16).replace('T', ' ') : '–');

/** View data of the dashboard's incident page and the team page's "after the incident" section. */
@Injectable()
export class IncidentPageService {
  constructor(
    private readonly incidentQueries: IncidentQueriesService,
    private readonly postmortems: PostmortemsService,
    private readonly followUps: FollowUpsService,
    private readonly figures: AfterIncidentFiguresService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly teams: TeamsService,
  ) {}

  async incidentPage(principal: Principal, reference: string) {
    const incident = await this.incidentQueries.getIncident(reference);
    // Another team's incident does not exist on this page (its internal notes and postmortem are its team's business).
    if (!canActOnTeam(principal, incident.teamId)) throw new NotFoundError('Incident', reference);
    const now = this.clock.now();
    const [postmortem, followUps, timeline] = await Promise.all([
      this.postmortems.findForIncident(incident.id),
      this.followUps.forIncident(incident.id),
      this.incidentQueries.getTimeline(incident.id),
    ]);
    const budgetImpact = postmortem?.budgetImpact ?? (await this.postmortems.budgetImpactOf(incident, now));
    return {
      incident: {
        id: incident.id,
        reference: formatIncidentReference(incident.number),
        title: incident.title,
        severity: incident.severity,
        status: incident.status,
        team: incident.team?.slug,
        startedAt: when(incident.startedAt),
        resolvedAt: when(incident.resolvedAt),
      },
      budgetImpact: budgetImpact.map((impact) => ({
        ...impact,
        badEvents: Math.round(impact.badEvents),
        consumed: impact.budgetConsumed === null ? 'no traffic' : formatShare(impact.budgetConsumed),
      })),
      postmortem,
      requirement: postmortemRequirement(incident.severity, budgetImpact, this.config.POSTMORTEM_BUDGET_SHARE),
      followUps: followUps.map((followUp) => ({ ...followUp, overdue: isOverdue(followUp, now) })),
      timeline: timeline.map((entry) => ({ at: when(entry.occurredAt), kind: entry.kind, public: entry.public, author: entry.author, body: entry.body })),
    };
  }

  /** The team page's section: last 90 days, like the rest of the page. */
  async teamSection(teamSlug: string, principal: Principal) {
    const team = await this.teams.getTeam(teamSlug);
    if (!canActOnTeam(principal, team.id)) return null;
    const to = this.clock.now();
    const figures = await this.figures.teamFigures(team.id, { from: new Date(to.getTime() - 90 * 86_400_000), to });
    return {
      postmortems: figures.postmortems,
      followUps: figures.followUps,
      overdue: figures.followUps.overdueItems,
      byBudget: figures.incidentsByBudgetConsumed.map((item) => ({
        ...item,
        consumed: formatShare(item.budgetConsumed),
        postmortem: item.postmortemStatus ?? 'none',
      })),
    };
  }
}
