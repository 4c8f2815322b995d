import { Injectable, Logger } from '@nestjs/common';

export interface TeamRef {
  id: string;
  slug: string;
}

/**
 * Port: tell a team something in its own channel (SLO warnings, budget
 * freeze, weekly digest). The Slack module binds it; without Slack the
 * message goes to the log so nothing fails.
 */
export abstract class TeamNotifier {
  /** `text` is plain text; implementations escape it for their medium. Returns false when it could not be delivered. */
  abstract notifyTeam(team: TeamRef, text: string, options?: { dedupKey?: string }): Promise<boolean>;
}

@Injectable()
export class LogTeamNotifier extends TeamNotifier {
  private readonly logger = new Logger('TeamNotifier');

  async notifyTeam(team: TeamRef, text: string): Promise<boolean> {
    this.logger.log({ team: team.slug }, `team notification (Slack off): ${text}`);
    return false;
  }
}
