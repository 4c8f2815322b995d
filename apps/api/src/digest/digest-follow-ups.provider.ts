import { Injectable } from '@nestjs/common';
import type { DigestFollowUp } from './weekly-digest-blocks';

/**
 * Port: the follow-ups of a team that are past their due date, for the weekly
 * digest's "Follow-ups overdue" section. The follow-ups feature binds its own
 * implementation (`{ provide: DigestFollowUpsProvider, useClass: ... }` in
 * DigestModule); until then the section says "None.".
 */
export abstract class DigestFollowUpsProvider {
  abstract overdueFollowUps(team: { id: string; slug: string }, now: Date): Promise<DigestFollowUp[]>;
}

@Injectable()
export class NoDigestFollowUps extends DigestFollowUpsProvider {
  async overdueFollowUps(): Promise<DigestFollowUp[]> {
    return [];
  }
}
