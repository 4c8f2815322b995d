import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '@app/config';
import {
  IncidentCommand,
  IncidentDomainError,
  IncidentEntity,
  incidentHelpText,
  IncidentsService,
  invalidCommandReply,
  parseIncidentCommand,
  TimelineAuthor,
} from '@app/incidents';
import { DomainError } from '@app/platform';
import { ACK_BUDGET_MS, withinAckWindow } from './slack-ack-window';
import { SlackDeclareFlow, SlackFlowOutcome, SlashCommandInput } from './slack-declare.service';
import { slackErrorCode, SlackGateway } from './slack-gateway';
import {
  ephemeral,
  failedReply,
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
} from './slack-replies';

type ChannelCommand = Extract<IncidentCommand, { kind: 'status' | 'severity' | 'lead' | 'update' | 'note' }>;

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
    private readonly declare: SlackDeclareFlow,
    private readonly gateway: SlackGateway,
  ) {}

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
    const incident = await this.incidents.findBySlackChannel(command.channelId);
    if (!incident) return notInIncidentChannelReply(this.config.SLACK_COMMAND);
    const author: TimelineAuthor = { kind: 'slack_user', slackUserId: command.userId, ...(command.userName ? { name: command.userName } : {}) };
    try {
      return await this.apply(incident, parsed, command.userId, author);
    } catch (error) {
      if (error instanceof IncidentDomainError || (error instanceof DomainError && USER_ERROR_KINDS.has(error.kind))) return refusedReply(error.message);
      return this.unexpected(error);
    }
  }

  private async apply(incident: IncidentEntity, parsed: ChannelCommand, userId: string, author: TimelineAuthor): Promise<SlashReply> {
    switch (parsed.kind) {
      case 'status': {
        const from = incident.status;
        if (parsed.status === from && parsed.text === null) return statusUnchangedReply(incident.number, from);
        if (parsed.text !== null) {
          const { incident: updated } = await this.incidents.postUpdate(incident.id, { body: parsed.text, public: true, status: parsed.status }, author);
          return parsed.status === from
            ? updatePostedReply(userId, incident.number, updated.visibility, parsed.text)
            : statusChangedReply(userId, incident.number, from, updated.status, parsed.text);
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
    }
  }

  private unexpected(error: unknown): SlashReply {
    const errorId = randomUUID();
    this.logger.error({ err: error, errorId }, 'slash command failed');
    return failedReply(errorId);
  }
}
