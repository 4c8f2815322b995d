import { BLOCK_KIT_LIMITS, Mrkdwn, SlackBlock, SlackMessage } from './block-kit';
import { IncidentSource, IncidentStatus, Severity, statusLabel, Visibility } from '@app/incidents';
import { formatIncidentReference } from '@app/incidents';
import { channelMention, escapeMrkdwn, escapeMrkdwnWithin, isSlackUserId, truncateText, userMention } from './slack-text';
import type { PersonRef } from '@app/incidents';

export const SEVERITY_EMOJI: Readonly<Record<Severity, string>> = {
  SEV1: ':red_circle:',
  SEV2: ':large_orange_circle:',
  SEV3: ':large_yellow_circle:',
  SEV4: ':large_blue_circle:',
};

export const STATUS_EMOJI: Readonly<Record<IncidentStatus, string>> = {
  investigating: ':mag:',
  identified: ':bulb:',
  monitoring: ':eyes:',
  resolved: ':white_check_mark:',
};

const VISIBILITY_LABEL: Readonly<Record<Visibility, string>> = {
  public: 'Public (status page)',
  internal: 'Internal',
  private: 'Private (team only)',
};

const SOURCE_LABEL: Readonly<Record<IncidentSource, string>> = {
  slack: 'Slack',
  api: 'the API',
  slo: 'an SLO burn alert',
  alertmanager: 'Alertmanager',
};

/** User text in a mrkdwn object: escaped, length-capped, and never auto-parsed by Slack. */
const userMrkdwn = (text: string, max: number = BLOCK_KIT_LIMITS.sectionText): Mrkdwn => ({
  type: 'mrkdwn',
  text: escapeMrkdwnWithin(text, max),
  verbatim: true,
});

const field = (label: string, valueMrkdwn: string): Mrkdwn => ({
  type: 'mrkdwn',
  text: `*${label}*\n${valueMrkdwn}`,
  verbatim: true,
});

/** How a person appears in a message: a live mention for a Slack user, otherwise their escaped name. */
export function personMrkdwn(person: PersonRef | null | undefined): string | null {
  if (!person) return null;
  if (person.slackUserId && isSlackUserId(person.slackUserId)) return userMention(person.slackUserId);
  if (person.name) return escapeMrkdwn(person.name);
  return null;
}

export interface IncidentHeadlineInput {
  readonly number: number;
  readonly title: string;
  readonly severity: Severity;
  readonly status: IncidentStatus;
  readonly visibility: Visibility;
  readonly commander: PersonRef | null;
  /** team display name */
  readonly team: string | null;
  /** incident type label */
  readonly type: string | null;
  /** the incident channel, null while it could not be created yet */
  readonly channelId: string | null;
  readonly summary?: string | null;
  readonly source?: IncidentSource;
  /** link to the incident in Ballast's dashboard; only http(s) URLs are rendered */
  readonly incidentUrl?: string | null;
}

export const HEADLINE_BLOCK_IDS = {
  header: 'incident_header',
  fields: 'incident_fields',
  summary: 'incident_summary',
  context: 'incident_context',
} as const;

/**
 * The incident headline, posted in the incident channel and the owning team's
 * channel and kept current with chat.update: deterministic for the same input,
 * so an update with unchanged data is a no-op for readers.
 */
export function buildIncidentHeadline(incident: IncidentHeadlineInput): SlackMessage {
  const reference = formatIncidentReference(incident.number);
  const headerPrefix = `${SEVERITY_EMOJI[incident.severity]} ${reference}: `;
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      block_id: HEADLINE_BLOCK_IDS.header,
      text: { type: 'plain_text', text: headerPrefix + truncateText(incident.title, BLOCK_KIT_LIMITS.headerText - headerPrefix.length), emoji: true },
    },
    {
      type: 'section',
      block_id: HEADLINE_BLOCK_IDS.fields,
      fields: [
        field('Severity', `${SEVERITY_EMOJI[incident.severity]} ${incident.severity}`),
        field('Status', `${STATUS_EMOJI[incident.status]} ${statusLabel(incident.status)}`),
        field('Commander', personMrkdwn(incident.commander) ?? '_Unassigned_'),
        field('Team', incident.team ? escapeMrkdwnWithin(incident.team, 200) : '_None_'),
        field('Type', incident.type ? escapeMrkdwnWithin(incident.type, 200) : '_Not set_'),
        field('Channel', incident.channelId ? channelMention(incident.channelId) : '_Not created yet_'),
        field('Visibility', VISIBILITY_LABEL[incident.visibility]),
      ],
    },
  ];
  if (incident.summary && incident.summary.trim() !== '') {
    blocks.push({ type: 'section', block_id: HEADLINE_BLOCK_IDS.summary, text: userMrkdwn(incident.summary) });
  }
  const context = [reference];
  if (incident.source) context.push(`declared via ${SOURCE_LABEL[incident.source]}`);
  if (incident.incidentUrl && /^https?:\/\/[^\s<>|]+$/.test(incident.incidentUrl)) {
    context.push(`<${incident.incidentUrl}|Open in Ballast>`);
  }
  blocks.push({ type: 'context', block_id: HEADLINE_BLOCK_IDS.context, elements: [{ type: 'mrkdwn', text: context.join(' · '), verbatim: true }] });

  const text = `${reference} [${incident.severity}] ${escapeMrkdwnWithin(incident.title, 200)}: ${statusLabel(incident.status)}`;
  return { text, blocks };
}

/** Usage of the slash command, as mrkdwn. `command` is the configured name, e.g. `/incident`. */
export function incidentHelpText(command = '/incident'): string {
  const c = escapeMrkdwn(command);
  return [
    `*${c}*: run incidents from Slack`,
    `• \`${c}\` or \`${c} declare [title]\`: declare an incident (opens a form)`,
    '_Inside an incident channel:_',
    `• \`${c} status investigating|identified|monitoring|resolved [text]\`: change the status`,
    `• \`${c} severity SEV1|SEV2|SEV3|SEV4\`: change the severity`,
    `• \`${c} lead @someone\`: assign the incident commander (\`${c} lead me\` to take it)`,
    `• \`${c} update &lt;text&gt;\`: post a public update (reaches the status page when the incident is public)`,
    `• \`${c} note &lt;text&gt;\`: add an internal note to the timeline`,
    `• \`${c} ack\`: acknowledge the incident (stops paging) · \`${c} resolve [text]\` · \`${c} sev1\`…\`sev4\``,
    `• \`${c} type &lt;type&gt;\`, \`${c} title &lt;title&gt;\`: change the type or the title`,
    `• \`${c} oncall\`: who is on call for each team (anywhere)`,
    `• \`${c} followup [P0|P1|P2|P3] &lt;title&gt;\`: add a follow-up action to the incident (default P2)`,
    `• \`${c} duplicate INC-n\`: resolve this incident as a duplicate of INC-n`,
    `• \`${c} help\`: show this help`,
    'Pin a message or react with :pushpin: to add it to the timeline.',
  ].join('\n');
}

export interface ReminderMessageInput {
  readonly number: number;
  readonly title: string;
  readonly severity: Severity;
  readonly status: IncidentStatus;
  readonly silentForMinutes: number;
  readonly commander: PersonRef | null;
  readonly command?: string;
}

/** The nudge posted in an incident channel that has gone quiet for its severity's cadence. */
export function buildReminderMessage(input: ReminderMessageInput): SlackMessage {
  const c = escapeMrkdwn(input.command ?? '/incident');
  const reference = formatIncidentReference(input.number);
  const who = personMrkdwn(input.commander);
  const silence = formatMinutes(input.silentForMinutes);
  const headline = `:alarm_clock: ${who ? `${who}, ` : ''}*${reference}* (${input.severity}, ${statusLabel(input.status)}) has had no update for ${silence}.`;
  const next = who
    ? `Post one with \`${c} update &lt;text&gt;\` (public) or \`${c} note &lt;text&gt;\` (internal), or change the status.`
    : `No commander yet: take it with \`${c} lead me\`, then post an update with \`${c} update &lt;text&gt;\`.`;
  const text = `${headline} ${next}`;
  return {
    text,
    blocks: [
      { type: 'section', block_id: 'incident_reminder', text: { type: 'mrkdwn', text, verbatim: true } },
      { type: 'context', block_id: 'incident_reminder_title', elements: [userMrkdwn(`${reference}: ${input.title}`, 300)] },
    ],
  };
}

function formatMinutes(minutes: number): string {
  const whole = Math.max(0, Math.floor(minutes));
  if (whole < 60) return `${whole} min`;
  const hours = Math.floor(whole / 60);
  const rest = whole % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/**
 * What to tell the person (ephemeral) when a Slack call failed after their
 * action was stored. Known Slack error codes get a fix-it sentence; anything
 * else a generic one. The incident itself is never lost: say so.
 */
export function describeSlackFailure(errorCode: string, action: string): string {
  const what = escapeMrkdwn(action);
  const advice: Record<string, string> = {
    channel_not_found: 'Slack could not find the channel. If it is private, invite the Ballast app to it.',
    not_in_channel: 'the Ballast app is not a member of that channel. Invite it with `/invite @Ballast`.',
    missing_scope: 'the Ballast app lacks a permission (OAuth scope) for this. Reinstall the app from its manifest.',
    is_archived: 'the channel is archived.',
    restricted_action: 'a workspace setting prevents the app from doing this. Ask a Slack admin.',
    ratelimited: 'Slack is rate limiting the app. Ballast will retry.',
    expired_trigger_id: 'the form took too long to open. Run the command again.',
    invalid_auth: 'the Slack bot token is invalid. Check SLACK_BOT_TOKEN.',
    account_inactive: 'the Slack bot token belongs to a deactivated app. Check SLACK_BOT_TOKEN.',
    token_revoked: 'the Slack bot token was revoked. Reinstall the app.',
  };
  const reason = advice[errorCode] ?? `Slack answered \`${escapeMrkdwn(errorCode)}\`.`;
  return `:warning: Could not ${what}: ${reason} The incident is saved in Ballast; nothing was lost.`;
}
