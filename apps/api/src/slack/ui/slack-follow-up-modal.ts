import { Injectable, Logger } from '@nestjs/common';
import { formatIncidentReference, IncidentQueriesService } from '@app/incidents';
import { escapeMrkdwn, type ModalView, type SlackBlock, type ViewStateValues } from './index';
import { DomainError } from '@app/platform';
import { FOLLOW_UP_PRIORITIES, validateFollowUpFields } from '../../follow-ups/domain/follow-up-rules';
import { FollowUpsService } from '../../follow-ups/follow-ups.service';
import { SlackGateway, type SlackReplyTarget } from '../slack-gateway';

export const ADD_FOLLOW_UP_ACTION_ID = 'incident_follow_up_open';
export const FOLLOW_UP_MODAL_CALLBACK_ID = 'incident_follow_up';

const plain = (text: string) => ({ type: 'plain_text' as const, text });

/** The "Add follow-up" button of the resolution message (value: `<incident id>:0`, like the headline buttons). */
export function addFollowUpButtonBlock(incidentId: string): SlackBlock {
  return {
    type: 'actions',
    block_id: 'resolution_actions',
    elements: [{ type: 'button', action_id: ADD_FOLLOW_UP_ACTION_ID, text: plain('Add follow-up'), value: `${incidentId}:0` }],
  };
}

/** The modal: title, owner, due date, priority (the incident id in private_metadata). */
export function buildFollowUpModal(incident: { id: string; number: number }): ModalView {
  return {
    type: 'modal',
    callback_id: FOLLOW_UP_MODAL_CALLBACK_ID,
    title: plain('Add follow-up'),
    submit: plain('Add'),
    close: plain('Cancel'),
    private_metadata: incident.id,
    blocks: [
      { type: 'context', elements: [{ type: 'mrkdwn', text: `For ${formatIncidentReference(incident.number)}` }] },
      { type: 'input', block_id: 'title', label: plain('What should be done'), element: { type: 'plain_text_input', action_id: 'value', max_length: 200 } },
      {
        type: 'input',
        block_id: 'owner',
        optional: true,
        label: plain('Owner (Slack user id or name)'),
        element: { type: 'plain_text_input', action_id: 'value', max_length: 100 },
      },
      {
        type: 'input',
        block_id: 'due_date',
        optional: true,
        label: plain('Due date (YYYY-MM-DD)'),
        element: { type: 'plain_text_input', action_id: 'value', max_length: 10 },
      },
      {
        type: 'input',
        block_id: 'priority',
        label: plain('Priority'),
        element: {
          type: 'static_select',
          action_id: 'value',
          initial_option: { text: plain('P2'), value: 'P2' },
          options: FOLLOW_UP_PRIORITIES.map((priority) => ({ text: plain(priority), value: priority })),
        },
      },
    ],
  };
}

/** The submitted answers (pure); what Slack leaves out is undefined. */
export function readFollowUpSubmission(values: ViewStateValues): { title?: string; owner?: string; dueDate?: string; priority?: string } {
  const value = (block: string) => values[block]?.value;
  const text = (block: string) => value(block)?.value?.trim() || undefined;
  return {
    title: value('title')?.value ?? undefined,
    owner: text('owner'),
    dueDate: text('due_date'),
    priority: value('priority')?.selected_option?.value ?? undefined,
  };
}

type ModalAck = { response_action: 'errors'; errors: Record<string, string> } | undefined;

/** "Add follow-up" on the resolution message: opens the modal; its submission creates the follow-up once per view. */
@Injectable()
export class SlackFollowUpModal {
  private readonly logger = new Logger(SlackFollowUpModal.name);

  constructor(
    private readonly incidentQueries: IncidentQueriesService,
    private readonly followUps: FollowUpsService,
    private readonly gateway: SlackGateway,
  ) {}

  async open(incidentId: string, triggerId: string, reply: SlackReplyTarget): Promise<void> {
    let incident;
    try {
      incident = await this.incidentQueries.getIncidentById(incidentId);
    } catch {
      await this.gateway.tellUser(reply, 'That incident no longer exists; nothing was changed.');
      return;
    }
    await this.gateway.openView(triggerId, buildFollowUpModal(incident));
  }

  /** Idempotent by view id: Slack's retry of one submission returns the follow-up already made. */
  async submit(submission: { viewId: string; incidentId: string; userId: string; values: ViewStateValues }): Promise<ModalAck> {
    try {
      const fields = validateFollowUpFields(readFollowUpSubmission(submission.values), { partial: false });
      const incident = await this.incidentQueries.getIncidentById(submission.incidentId);
      const { followUp, created } = await this.followUps.createForIncident(incident, fields, submission.userId, `slack-view:${submission.viewId}`);
      if (created && incident.slackChannelId) {
        await this.gateway
          .postMessage(incident.slackChannelId, {
            text: `:clipboard: <@${submission.userId}> added a ${followUp.priority} follow-up to ${formatIncidentReference(incident.number)}: ${escapeMrkdwn(followUp.title)}`,
          })
          .catch(() => undefined);
      }
      return undefined;
    } catch (error) {
      if (error instanceof DomainError) {
        const field = (error as { field?: unknown }).field;
        const block = field === 'owner' ? 'owner' : field === 'dueDate' ? 'due_date' : field === 'priority' ? 'priority' : 'title';
        return { response_action: 'errors', errors: { [block]: error.message.slice(0, 150) } };
      }
      this.logger.error({ err: error }, 'adding a follow-up from Slack failed');
      return { response_action: 'errors', errors: { title: 'Ballast could not save this right now; submit again in a moment.' } };
    }
  }
}
