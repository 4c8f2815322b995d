import { Injectable, Logger } from '@nestjs/common';
import { TeamsService } from '@app/catalog';
import { NotFoundError } from '@app/platform';
import { escapeMrkdwn, type SlackBlock } from '../slack/ui';
import { SlackGateway } from '../slack/slack-gateway';
import { type TeamNotification, TeamNotifier, TeamRef } from './team-notifier';

/** Team notifications as Slack messages in the team's channel (text escaped: no <!channel> injection). */
@Injectable()
export class SlackTeamNotifier extends TeamNotifier {
  private readonly logger = new Logger(SlackTeamNotifier.name);

  constructor(
    private readonly slack: SlackGateway,
    private readonly teams: TeamsService,
  ) {
    super();
  }

  async notifyTeam(team: TeamRef, text: string, options: { blocks?: SlackBlock[] } = {}): Promise<TeamNotification> {
    if (!this.slack.enabled) {
      this.logger.log({ team: team.slug }, `team notification (Slack off): ${text}`);
      return 'undeliverable';
    }
    let slackChannelId: string | null;
    try {
      ({ slackChannelId } = await this.teams.getTeamById(team.id));
    } catch (error) {
      if (error instanceof NotFoundError) return 'undeliverable';
      this.logger.warn({ err: error, team: team.slug }, 'could not look up the team channel; notification not sent');
      return 'failed';
    }
    if (!slackChannelId) {
      this.logger.warn({ team: team.slug }, `team has no Slack channel; notification not sent: ${text}`);
      return 'undeliverable';
    }
    try {
      await this.slack.postMessage(slackChannelId, {
        text: escapeMrkdwn(text),
        ...(options.blocks && options.blocks.length > 0 ? { blocks: options.blocks } : {}),
      });
      return 'delivered';
    } catch (error) {
      this.logger.warn({ err: error, team: team.slug }, 'could not post the team notification to Slack');
      return 'failed';
    }
  }
}
