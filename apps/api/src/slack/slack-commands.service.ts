import { Injectable, Logger } from '@nestjs/common';
import { SlackIncidentRepository } from './state/slack-incident.repository';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '@app/config';
import { formatIncidentReference, IncidentDomainError, IncidentEntity, IncidentsService, IncidentQueriesService, TimelineAuthor } from '@app/incidents';
import { escapeMrkdwn, IncidentCommand, incidentHelpText, invalidCommandReply, parseIncidentCommand } from './ui';
import { DomainError, NotFoundError, ValidationFailedError } from '@app/platform';
import { validateFollowUpFields } from '../follow-ups/domain/follow-up-rules';
import { FollowUpsService } from '../follow-ups/follow-ups.service';
import { ACK_BUDGET_MS, withinAckWindow } from './http/slack-ack-window';
import { SlackDeclareFlow, SlackFlowOutcome, SlashCommandInput } from './slack-declare.service';
import { slackErrorCode, SlackGateway } from './slack-gateway';
import { OncallService } from '../oncall/oncall.service';
import { buildOncallReply } from './ui/slack-page-messages';
import { publishButtonBlock } from './ui/slack-incident-modals';

/** A status change's note is internal: said so, with a Publish update button when the incident is public. */
function withPublishOffer(reply: SlashReply, incident: IncidentEntity): SlashReply {
  const note =
    incident.visibility === 'public'
      ? '_Internal note: not on the status page. Publish it with the button, or `update <text>`._'
      : `_Internal note (${incident.visibility} incident: nothing reaches the status page)._`;
  const text = `${reply.text}\n${note}`;
  if (incident.visibility !== 'public') return { ...reply, text };
  const withBlocks = { ...reply, text, blocks: [{ type: 'section', block_id: 'reply', text: { type: 'mrkdwn', text } }, publishButtonBlock(incident.id)] };
  return withBlocks;
}
import { SlackPager } from './slack-pager.service';
import {
  ephemeral,
  failedReply,
  followUpAddedReply,
  leadChangedReply,
  notePostedReply,
  notInIncidentChannelReply,
  refusedReply,
  severityChangedReply,
  severityUnchangedReply,
  SlashReply,
  statusChangedReply,
  statusUnchangedReply,
  STILL_WORKING_REPLY,
  updatePostedReply,
} from './ui/slack-replies';

type ChannelCommand = Extract<
  IncidentCommand,
  { kind: 'status' | 'severity' | 'lead' | 'update' | 'note' | 'ack' | 'type' | 'title' | 'followup' | 'duplicate' }
>;

const USER_ERROR_KINDS = new Set(['validation', 'conflict', 'not_found', 'forbidden', 'unprocessable']);

/**
 * `/incident ...`: `declare` (or nothing) opens the form; `help` and mistakes
 * are answered at once; the others change the incident of the channel they
 * are run in and are answered in that channel, so everyone sees who did what.
 */
@Injectable()
export class SlackCommandFlow {
  private readonly logger = new Logger(SlackCommandFlow.name);

  constructor(
    private readonly config: AppConfig,
    private readonly incidents: IncidentsService,
    private readonly incidentQueries: IncidentQueriesService,
    private readonly slackState: SlackIncidentRepository,
    private readonly declare: SlackDeclareFlow,
    private readonly gateway: SlackGateway,
    private readonly pager: SlackPager,
    private readonly oncall: OncallService,
    private readonly followUps: FollowUpsService,
  ) {}

  private async oncallReply(): Promise<SlashReply> {
    const rows = await this.oncall.everyTeamNow();
    return ephemeral(
      buildOncallReply(rows.map((row) => ({ team: row.team.slug, current: row.state.current, next: row.state.next, shiftEndsAt: row.state.shiftEndsAt }))),
    );
  }

  /** `ackDeadline` (epoch ms): when Slack stops waiting for the answer, minus a margin. */
  async onCommand(command: SlashCommandInput, ackDeadline: number = Date.now() + ACK_BUDGET_MS): Promise<SlackFlowOutcome<SlashReply>> {
    const parsed = parseIncidentCommand(command.text);
    switch (parsed.kind) {
      case 'declare':
        // Nothing before the ack: the trigger_id is only valid for 3 seconds.
        return { after: () => this.declare.openForm(command, parsed.title) };
      case 'help':
        return { ack: ephemeral(incidentHelpText(this.config.SLACK_COMMAND)) };
      case 'invalid':
        return { ack: ephemeral(invalidCommandReply(parsed, this.config.SLACK_COMMAND)) };
      case 'oncall': {
        const settled = await withinAckWindow(this.oncallReply(), ackDeadline - Date.now());
        if (settled.state === 'fulfilled') return { ack: settled.value };
        if (settled.state === 'rejected') return { ack: this.unexpected(settled.error) };
        return { ack: STILL_WORKING_REPLY, after: () => this.replyLate(command, settled.promise) };
      }
      default: {
        const settled = await withinAckWindow(this.applyInChannel(command, parsed), ackDeadline - Date.now());
        if (settled.state === 'fulfilled') return { ack: settled.value };
        if (settled.state === 'rejected') return { ack: this.unexpected(settled.error) };
        return { ack: STILL_WORKING_REPLY, after: () => this.replyLate(command, settled.promise) };
      }
    }
  }

  private async replyLate(command: SlashCommandInput, reply: Promise<SlashReply>): Promise<void> {
    const answer = await reply.catch((error: unknown) => this.unexpected(error));
    if (!command.responseUrl) return;
    await this.gateway.respond(command.responseUrl, answer.text, answer.response_type).catch((error: unknown) => {
      this.logger.warn({ slackError: slackErrorCode(error) }, 'could not deliver a late slash command reply');
    });
  }

  private async applyInChannel(command: SlashCommandInput, parsed: ChannelCommand): Promise<SlashReply> {
    const incident = await this.slackState.findByChannel(command.channelId);
    if (!incident) return notInIncidentChannelReply(this.config.SLACK_COMMAND);
    const author: TimelineAuthor = { kind: 'slack_user', slackUserId: command.userId, ...(command.userName ? { name: command.userName } : {}) };
    try {
      return await this.apply(incident, parsed, command.userId, author, command.triggerId);
    } catch (error) {
      if (error instanceof IncidentDomainError || (error instanceof DomainError && USER_ERROR_KINDS.has(error.kind))) return refusedReply(error.message);
      return this.unexpected(error);
    }
  }

  private async apply(incident: IncidentEntity, parsed: ChannelCommand, userId: string, author: TimelineAuthor, triggerId: string): Promise<SlashReply> {
    switch (parsed.kind) {
      case 'status': {
        const from = incident.status;
        if (parsed.status === from && parsed.text === null) return statusUnchangedReply(incident.number, from);
        if (parsed.text !== null) {
          // The text is an internal note: it reaches customers only when someone publishes it (the button below, or `update`).
          const { incident: updated } = await this.incidents.postUpdate(incident.id, { body: parsed.text, public: false, status: parsed.status }, author);
          const reply =
            parsed.status === from
              ? notePostedReply(userId, incident.number, parsed.text)
              : statusChangedReply(userId, incident.number, from, updated.status, parsed.text);
          return withPublishOffer(reply, updated);
        }
        const updated = await this.incidents.updateIncident(incident.id, { status: parsed.status }, author);
        return statusChangedReply(userId, incident.number, from, updated.status, null);
      }
      case 'severity': {
        if (parsed.severity === incident.severity) return severityUnchangedReply(incident.number, incident.severity);
        await this.incidents.updateIncident(incident.id, { severity: parsed.severity }, author);
        return severityChangedReply(userId, incident.number, incident.severity, parsed.severity);
      }
      case 'lead': {
        const assignee = parsed.assignee;
        const commander = assignee.kind === 'self' ? userId : assignee.kind === 'slack_user' ? assignee.slackUserId : assignee.name;
        await this.incidents.updateIncident(incident.id, { commander }, author);
        return leadChangedReply(userId, incident.number, commander);
      }
      case 'update': {
        const { incident: updated } = await this.incidents.postUpdate(incident.id, { body: parsed.text, public: true }, author);
        return updatePostedReply(userId, incident.number, updated.visibility, parsed.text);
      }
      case 'note':
        await this.incidents.postUpdate(incident.id, { body: parsed.text, public: false }, author);
        return notePostedReply(userId, incident.number, parsed.text);
      case 'ack': {
        if (incident.resolvedAt !== null) return refusedReply(`${formatIncidentReference(incident.number)} is already resolved.`);
        const outcome = await this.pager.acknowledgeByPerson(incident, userId, author.kind === 'slack_user' ? (author.name ?? null) : null, 'slash_command');
        return outcome.won
          ? { response_type: 'in_channel', text: `<@${userId}> acknowledged ${formatIncidentReference(incident.number)}; paging stopped.` }
          : ephemeral(`${formatIncidentReference(incident.number)} was already acknowledged${outcome.by ? ` by <@${outcome.by}>` : ''}.`);
      }
      case 'type':
        if (parsed.type === incident.type) return ephemeral(`${formatIncidentReference(incident.number)} already has type \`${parsed.type}\`.`);
        await this.incidents.updateIncident(incident.id, { type: parsed.type }, author);
        return {
          response_type: 'in_channel',
          text: `<@${userId}> set the type of ${formatIncidentReference(incident.number)} to \`${escapeMrkdwn(parsed.type)}\`.`,
        };
      case 'title':
        await this.incidents.updateIncident(incident.id, { title: parsed.title }, author);
        return { response_type: 'in_channel', text: `<@${userId}> renamed ${formatIncidentReference(incident.number)} to *${escapeMrkdwn(parsed.title)}*.` };
      case 'followup': {
        const fields = validateFollowUpFields({ title: parsed.title, priority: parsed.priority ?? undefined }, { partial: false });
        // The trigger id is the same for Slack's retries of one command: a retry does not add a second follow-up.
        const { followUp } = await this.followUps.createForIncident(incident, fields, userId, `slack:${incident.id}:${triggerId}`);
        return followUpAddedReply(userId, incident.number, followUp.priority, followUp.title);
      }
      case 'duplicate':
        return this.markDuplicate(incident, parsed.of, userId, author);
    }
  }

  /**
   * `/incident duplicate INC-n`: resolves the channel's incident as a duplicate
   * of INC-n (the incidents service's duplicateOf path) and points this channel
   * at the original. Another team's private incident reads as unknown (nothing
   * about it leaks); a retry finds it already done.
   */
  private async markDuplicate(incident: IncidentEntity, of: string, userId: string, author: TimelineAuthor): Promise<SlashReply> {
    let original: IncidentEntity | null = null;
    try {
      original = await this.incidentQueries.getIncident(of);
    } catch (error) {
      if (!(error instanceof NotFoundError || error instanceof ValidationFailedError)) throw error;
    }
    if (!original || (original.visibility === 'private' && original.teamId !== incident.teamId)) return refusedReply(`${of} is not an existing incident.`);
    const reference = formatIncidentReference(incident.number);
    if (incident.duplicateOfId === original.id) return ephemeral(`${reference} is already a duplicate of ${of}.`);
    await this.incidents.updateIncident(incident.id, { duplicateOf: of }, author);
    const where = original.slackChannelId ? ` The work continues in <#${original.slackChannelId}>.` : '';
    return { response_type: 'in_channel', text: `<@${userId}> resolved ${reference} as a duplicate of *${of}* ${escapeMrkdwn(original.title)}.${where}` };
  }

  private unexpected(error: unknown): SlashReply {
    const errorId = randomUUID();
    this.logger.error({ err: error, errorId }, 'slash command failed');
    return failedReply(errorId);
  }
}
