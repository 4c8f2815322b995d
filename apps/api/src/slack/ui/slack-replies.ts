import { DEFAULT_INCIDENT_TYPES, formatIncidentReference, IncidentEntity, IncidentStatus, PersonRef, Severity, statusLabel, Visibility } from '@app/incidents';
import {
  DECLARE_INCIDENT_CALLBACK_ID,
  DECLARE_MODAL_FIELDS,
  escapeMrkdwn,
  IncidentHeadlineInput,
  incidentHelpText,
  isSlackUserId,
  ModalView,
  personMrkdwn,
  SEVERITY_EMOJI,
  STATUS_EMOJI,
  userMention,
} from './index';

/**
 * The texts Ballast answers slash commands with, and the mapping from a stored
 * incident to its Slack headline. Pure; every user-supplied string is escaped
 * for mrkdwn here (no `<!channel>` from a title or an update).
 */

/** What a slash command's ack carries (Slack shows it to the user, or in the channel). */
export interface SlashReply {
  readonly response_type: 'ephemeral' | 'in_channel';
  readonly text: string;
}

export const ephemeral = (text: string): SlashReply => ({ response_type: 'ephemeral', text });
export const inChannel = (text: string): SlashReply => ({ response_type: 'in_channel', text });

/** A person stored as a Slack user id or a free name. */
export function personRefOf(value: string | null | undefined): PersonRef | null {
  if (!value) return null;
  return isSlackUserId(value) ? { slackUserId: value } : { name: value };
}

/** `slack:U01ALICE` (how IncidentsService records a Slack declarer) → `U01ALICE`. */
export function slackUserOfAuthorLabel(label: string | null | undefined): string | null {
  const match = /^slack:([UW][A-Z0-9]{2,})$/.exec(label ?? '');
  return match ? match[1] : null;
}

export function incidentTypeLabel(slug: string | null | undefined): string | null {
  if (!slug) return null;
  return DEFAULT_INCIDENT_TYPES.find((type) => type.slug === slug)?.label ?? slug;
}

export function headlineInputOf(incident: IncidentEntity): IncidentHeadlineInput {
  return {
    number: incident.number,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    visibility: incident.visibility,
    commander: personRefOf(incident.commander),
    team: incident.team?.name ?? null,
    type: incidentTypeLabel(incident.type),
    channelId: incident.slackChannelId,
    summary: incident.summary,
    source: incident.source,
  };
}

/** `> line` for every line of a user's text, escaped. */
export function quoteMrkdwn(text: string): string {
  return text
    .split('\n')
    .map((line) => `>${escapeMrkdwn(line)}`)
    .join('\n');
}

export function notInIncidentChannelReply(command: string): SlashReply {
  return ephemeral(`This works inside an incident channel (\`#inc-…\`). Declare one with \`${escapeMrkdwn(command)}\`.\n\n${incidentHelpText(command)}`);
}

export function statusChangedReply(userId: string, number: number, from: IncidentStatus, to: IncidentStatus, text: string | null): SlashReply {
  const reference = formatIncidentReference(number);
  const head = `${STATUS_EMOJI[to]} ${userMention(userId)} moved *${reference}* from ${statusLabel(from)} to *${statusLabel(to)}*`;
  return inChannel(text ? `${head}\n${quoteMrkdwn(text)}` : head);
}

export function statusUnchangedReply(number: number, status: IncidentStatus): SlashReply {
  return ephemeral(`*${formatIncidentReference(number)}* is already ${statusLabel(status)}.`);
}

export function severityChangedReply(userId: string, number: number, from: Severity, to: Severity): SlashReply {
  return inChannel(`${SEVERITY_EMOJI[to]} ${userMention(userId)} changed the severity of *${formatIncidentReference(number)}* from ${from} to *${to}*`);
}

export function severityUnchangedReply(number: number, severity: Severity): SlashReply {
  return ephemeral(`*${formatIncidentReference(number)}* is already ${severity}.`);
}

export function leadChangedReply(userId: string, number: number, commander: string): SlashReply {
  const who = personMrkdwn(personRefOf(commander)) ?? escapeMrkdwn(commander);
  return inChannel(`:crown: ${userMention(userId)} made ${who} the incident commander of *${formatIncidentReference(number)}*`);
}

export function updatePostedReply(userId: string, number: number, visibility: Visibility, text: string): SlashReply {
  const where = visibility === 'public' ? 'shown on the status page' : `${visibility} incident: not on the status page`;
  return inChannel(`:mega: ${userMention(userId)} posted an update on *${formatIncidentReference(number)}* (${where})\n${quoteMrkdwn(text)}`);
}

export function notePostedReply(userId: string, number: number, text: string): SlashReply {
  return inChannel(`:memo: ${userMention(userId)} added an internal note to *${formatIncidentReference(number)}*\n${quoteMrkdwn(text)}`);
}

/** A typed error from the incident domain (invalid transition, unknown type, ...), shown to the person only. */
export function refusedReply(message: string): SlashReply {
  return ephemeral(`:no_entry: ${escapeMrkdwn(message)}`);
}

export function failedReply(errorId: string): SlashReply {
  return ephemeral(`:warning: Ballast could not do that right now (error id \`${escapeMrkdwn(errorId)}\`). Try again in a moment.`);
}

export const STILL_WORKING_REPLY: SlashReply = ephemeral(':hourglass_flowing_sand: Working on it…');

/** Why the declare form could not be opened or shown, for the person who ran the command. */
export function formFailureText(errorCode: string): string {
  const reasons: Record<string, string> = {
    expired_trigger_id: 'the form took too long to open. Run the command again.',
    missing_scope: 'the Ballast app lacks a permission (OAuth scope) for this. Reinstall the app from its manifest.',
    invalid_auth: 'the Slack bot token is invalid. Check SLACK_BOT_TOKEN.',
    token_revoked: 'the Slack bot token was revoked. Reinstall the app.',
    ratelimited: 'Slack is rate limiting the app. Try again in a minute.',
  };
  const reason = reasons[errorCode] ?? `Slack answered \`${escapeMrkdwn(errorCode)}\`. Try again, or declare through the API (\`POST /api/v1/incidents\`).`;
  return `:warning: Could not open the incident form: ${reason}`;
}

/** Shown in place of the form when Ballast cannot read its teams and services (database unavailable). */
export function formUnavailableModal(privateMetadata: string | undefined): ModalView {
  return {
    type: 'modal',
    callback_id: DECLARE_INCIDENT_CALLBACK_ID,
    title: { type: 'plain_text', text: 'Declare an incident', emoji: true },
    close: { type: 'plain_text', text: 'Close', emoji: true },
    ...(privateMetadata !== undefined ? { private_metadata: privateMetadata } : {}),
    blocks: [
      {
        type: 'section',
        block_id: 'declare_unavailable',
        text: { type: 'mrkdwn', text: ':warning: Ballast cannot load its teams and services right now. Close this and run the command again in a moment.' },
      },
    ],
  };
}

/** The submission could not be stored: keep the form open with the reason under the title. */
export function declareFailedErrors(message: string): { response_action: 'errors'; errors: Record<string, string> } {
  return { response_action: 'errors', errors: { [DECLARE_MODAL_FIELDS.title.blockId]: message } };
}

export function followUpAddedReply(userId: string, number: number, priority: string, title: string): SlashReply {
  return inChannel(`${userMention(userId)} added a ${priority} follow-up to ${formatIncidentReference(number)}: ${escapeMrkdwn(title)}`);
}
