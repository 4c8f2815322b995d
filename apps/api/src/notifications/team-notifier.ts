import { Injectable, Logger } from '@nestjs/common';
import type { SlackBlock } from '../slack/ui';

export interface TeamRef {
  id: string;
  slug: string;
}

/**
 * What became of a team notification: `delivered`; `failed` (the medium was
 * there but the send did not go through, e.g. Slack erred: worth another try
 * later); `undeliverable` (nowhere to send it: Slack off, or the team has no
 * channel; trying again changes nothing until someone configures it).
 */
export type TeamNotification = 'delivered' | 'failed' | 'undeliverable';

/**
 * Port: tell a team something in its own channel (SLO warnings, budget
 * freeze, weekly digest). The Slack module binds it; without Slack the
 * message goes to the log so nothing fails.
 */
export abstract class TeamNotifier {
  /** `text` is plain text; implementations escape it for their medium. Never throws: the outcome says what happened. */
  abstract notifyTeam(team: TeamRef, text: string, options?: { dedupKey?: string; blocks?: SlackBlock[] }): Promise<TeamNotification>;
}

@Injectable()
export class LogTeamNotifier extends TeamNotifier {
  private readonly logger = new Logger('TeamNotifier');

  async notifyTeam(team: TeamRef, text: string): Promise<TeamNotification> {
    this.logger.log({ team: team.slug }, `team notification (Slack off): ${text}`);
    return 'undeliverable';
  }
}
