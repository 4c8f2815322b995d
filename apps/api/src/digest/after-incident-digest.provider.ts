import { Injectable } from '@nestjs/common';
import { formatIncidentReference, IncidentQueriesService } from '@app/incidents';
import { FollowUpsService } from '../follow-ups/follow-ups.service';
import { AfterIncidentFiguresService } from '../postmortems/after-incident-figures.service';
import { DigestFollowUpsProvider } from './digest-follow-ups.provider';
import type { DigestFollowUp, DigestPostmortems } from './weekly-digest-blocks';

/**
 * The digest's follow-up and postmortem lines from the postmortems feature:
 * the team's overdue follow-ups (oldest due first) and the postmortems
 * required/published for the incidents that started in the digest's week.
 */
@Injectable()
export class AfterIncidentDigestProvider extends DigestFollowUpsProvider {
  constructor(
    private readonly figures: AfterIncidentFiguresService,
    private readonly incidentQueries: IncidentQueriesService,
    private readonly followUps: FollowUpsService,
  ) {
    super();
  }

  async overdueFollowUps(team: { id: string; slug: string }, now: Date): Promise<DigestFollowUp[]> {
    void now; // overdue is judged by the follow-ups service's clock (the same Clock)
    const overdue = await this.followUps.overdueForTeam(team.id, 20);
    const references = new Map<string, string>();
    const items: DigestFollowUp[] = [];
    for (const item of overdue) {
      if (!references.has(item.incidentId))
        references.set(item.incidentId, formatIncidentReference((await this.incidentQueries.getIncidentById(item.incidentId)).number));
      items.push({ title: item.title, owner: item.owner, dueDate: item.dueDate ?? '', incidentReference: references.get(item.incidentId) ?? null });
    }
    return items;
  }

  override async postmortemFigures(team: { id: string; slug: string }, period: { from: Date; to: Date }): Promise<DigestPostmortems | null> {
    const { postmortems, followUps, incidentsByBudgetConsumed } = await this.figures.teamFigures(team.id, period);
    return {
      required: postmortems.required,
      published: postmortems.requiredPublished,
      openFollowUps: followUps.open,
      byBudgetConsumed: incidentsByBudgetConsumed.map((item) => ({
        reference: item.reference,
        title: item.title,
        sloName: item.sloName,
        budgetConsumed: item.budgetConsumed,
      })),
    };
  }
}
