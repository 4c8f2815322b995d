import { Injectable } from '@nestjs/common';
import type { DigestFollowUp, DigestPostmortems } from './weekly-digest-blocks';

/**
 * Port: the follow-ups of a team that are past their due date, for the weekly
 * digest's "Follow-ups overdue" section. The follow-ups feature binds its own
 * implementation (`{ provide: DigestFollowUpsProvider, useClass: ... }` in
 * DigestModule); until then the section says "None.".
 */
export abstract class DigestFollowUpsProvider {
  abstract overdueFollowUps(team: { id: string; slug: string }, now: Date): Promise<DigestFollowUp[]>;
  /** Postmortems required and published for the team's incidents of the period; null leaves the line out. */
  postmortemFigures(_team: { id: string; slug: string }, _period: { from: Date; to: Date }): Promise<DigestPostmortems | null> {
    return Promise.resolve(null);
  }
}

@Injectable()
export class NoDigestFollowUps extends DigestFollowUpsProvider {
  async overdueFollowUps(): Promise<DigestFollowUp[]> {
    return [];
  }
}
