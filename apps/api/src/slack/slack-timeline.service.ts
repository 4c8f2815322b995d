import { Injectable, Logger } from '@nestjs/common';
import { SlackIncidentRepository } from './state/slack-incident.repository';
import { formatIncidentReference, IncidentsService } from '@app/incidents';
import { decodeSlackText, describeSlackFailure } from './ui';
import { slackErrorCode, SlackGateway } from './slack-gateway';
import { slackTsToDate } from './http/slack-request';

/** The reaction that puts a message on the timeline. */
export const TIMELINE_REACTION = 'pushpin';

export interface PinAddedInput {
  readonly channelId: string;
  /** who pinned it */
  readonly userId: string;
  readonly message: { readonly ts: string; readonly text: string | null; readonly user: string | null; readonly permalink: string | null };
}

export interface ReactionAddedInput {
  readonly channelId: string;
  /** who reacted */
  readonly userId: string;
  readonly reaction: string;
  readonly messageTs: string;
  readonly messageAuthor: string | null;
}

/**
 * Pinned messages and :pushpin: reactions in an incident channel become
 * timeline events dated with the message's own time, with its permalink. The
 * natural key `<channel>:<ts>` makes Slack's redeliveries (and pinning a
 * message that was already reacted to) no-ops.
 */
@Injectable()
export class SlackTimelineCapture {
  private readonly logger = new Logger(SlackTimelineCapture.name);

  constructor(
    private readonly gateway: SlackGateway,
    private readonly incidents: IncidentsService,
    private readonly slackState: SlackIncidentRepository,
  ) {}

  async onPinAdded(input: PinAddedInput): Promise<boolean> {
    const occurredAt = slackTsToDate(input.message.ts);
    if (!occurredAt) return false;
    const incident = await this.slackState.findByChannel(input.channelId);
    if (!incident) return false;
    const permalink = input.message.permalink ?? (await this.permalink(input.channelId, input.message.ts));
    const text = decodeSlackText(input.message.text ?? '');
    return this.incidents.recordEvent(
      incident.id,
      'slack_pin',
      { channelId: input.channelId, messageTs: input.message.ts, permalink, text, messageAuthor: input.message.user, pinnedBy: input.userId },
      { kind: 'slack_user', slackUserId: input.userId },
      { occurredAt, sourceRef: `${input.channelId}:${input.message.ts}`, body: text },
    );
  }

  async onReactionAdded(input: ReactionAddedInput): Promise<boolean> {
    if (input.reaction !== TIMELINE_REACTION) return false;
    const occurredAt = slackTsToDate(input.messageTs);
    if (!occurredAt) return false;
    const incident = await this.slackState.findByChannel(input.channelId);
    if (!incident) return false;
    let message: { text: string; user: string | null; permalink: string | null } = { text: '', user: input.messageAuthor, permalink: null };
    try {
      message = await this.gateway.getMessage(input.channelId, input.messageTs);
    } catch (error) {
      // Still record the event (time, author, link); tell the person why its text is missing.
      const code = slackErrorCode(error);
      this.logger.warn({ incident: formatIncidentReference(incident.number), slackError: code }, 'could not read the message reacted to');
      await this.gateway.tellUser(
        { userId: input.userId, channelId: input.channelId },
        describeSlackFailure(code, 'read the message you marked with :pushpin:'),
      );
    }
    const permalink = message.permalink ?? (await this.permalink(input.channelId, input.messageTs));
    const text = decodeSlackText(message.text);
    return this.incidents.recordEvent(
      incident.id,
      'slack_reaction',
      {
        channelId: input.channelId,
        messageTs: input.messageTs,
        permalink,
        text,
        messageAuthor: message.user ?? input.messageAuthor,
        reaction: input.reaction,
        reactedBy: input.userId,
      },
      { kind: 'slack_user', slackUserId: input.userId },
      { occurredAt, sourceRef: `${input.channelId}:${input.messageTs}`, body: text },
    );
  }

  private async permalink(channelId: string, ts: string): Promise<string | null> {
    try {
      return await this.gateway.getPermalink(channelId, ts);
    } catch (error) {
      this.logger.warn({ channelId, slackError: slackErrorCode(error) }, 'could not get a message permalink');
      return null;
    }
  }
}
