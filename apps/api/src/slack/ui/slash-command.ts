import { INCIDENT_STATUSES, IncidentStatus, isIncidentStatus, Severity } from '@app/incidents';
import { incidentHelpText } from './incident-messages';
import { decodeSlackText, escapeMrkdwn, isSlackUserId } from './slack-text';

/**
 * `/incident ...` text to a typed command. Input is the `text` field exactly
 * as Slack sends it (entities escaped, mentions as `<@U123|name>` when the app
 * escapes users); free text in the result is decoded to what the person typed.
 * Subcommands and values are case-insensitive.
 */
export type IncidentCommand =
  | { readonly kind: 'declare'; readonly title: string | null }
  | { readonly kind: 'status'; readonly status: IncidentStatus; readonly text: string | null }
  | { readonly kind: 'severity'; readonly severity: Severity }
  | { readonly kind: 'lead'; readonly assignee: LeadAssignee }
  | { readonly kind: 'update'; readonly text: string }
  | { readonly kind: 'note'; readonly text: string }
  | { readonly kind: 'help' }
  /** who is on call for each team */
  | { readonly kind: 'oncall' }
  /** acknowledge the incident (stops its page's escalation) */
  | { readonly kind: 'ack' }
  | { readonly kind: 'type'; readonly type: string }
  | { readonly kind: 'title'; readonly title: string }
  | { readonly kind: 'followup'; readonly title: string; readonly priority: 'P0' | 'P1' | 'P2' | 'P3' | null }
  /** resolve the channel's incident as a duplicate of INC-n (reference normalised to `INC-n`) */
  | { readonly kind: 'duplicate'; readonly of: string }
  | { readonly kind: 'invalid'; readonly subcommand: string | null; readonly reason: string };

export type LeadAssignee =
  | { readonly kind: 'self' }
  | { readonly kind: 'slack_user'; readonly slackUserId: string; readonly name: string | null }
  | { readonly kind: 'name'; readonly name: string };

export const INCIDENT_SUBCOMMANDS = [
  'declare',
  'status',
  'severity',
  'lead',
  'update',
  'note',
  'help',
  'oncall',
  'ack',
  'resolve',
  'type',
  'title',
  'followup',
  'duplicate',
] as const;

const ALIASES: Readonly<Record<string, (typeof INCIDENT_SUBCOMMANDS)[number]>> = {
  declare: 'declare',
  status: 'status',
  severity: 'severity',
  sev: 'severity',
  lead: 'lead',
  commander: 'lead',
  update: 'update',
  note: 'note',
  help: 'help',
  '?': 'help',
  '-h': 'help',
  '--help': 'help',
  oncall: 'oncall',
  'on-call': 'oncall',
  ack: 'ack',
  acknowledge: 'ack',
  resolve: 'resolve',
  type: 'type',
  title: 'title',
  followup: 'followup',
  'follow-up': 'followup',
  duplicate: 'duplicate',
  dup: 'duplicate',
};

export function parseIncidentCommand(text: string): IncidentCommand {
  const match = /^(\S+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (match === null) return { kind: 'declare', title: null };
  const word = match[1].toLowerCase();
  const rest = (match[2] ?? '').trim();
  const subcommand = ALIASES[word];
  const severityAlias = /^sev([1-4])$/.exec(word);
  if (severityAlias)
    return rest === '' ? { kind: 'severity', severity: `SEV${severityAlias[1]}` as Severity } : invalid('severity', `\`${word}\` takes nothing after it.`);
  switch (subcommand) {
    case 'oncall':
      return { kind: 'oncall' };
    case 'ack':
      return { kind: 'ack' };
    case 'resolve':
      return { kind: 'status', status: 'resolved', text: rest === '' ? null : decodeSlackText(rest) };
    case 'type': {
      const type = rest.toLowerCase();
      return /^[a-z0-9][a-z0-9-]{0,62}$/.test(type) ? { kind: 'type', type } : invalid('type', '`type` needs an incident type, e.g. `type deploy`.');
    }
    case 'title': {
      const title = decodeSlackText(rest).trim();
      if (title === '') return invalid('title', '`title` needs the new title, e.g. `title Checkout errors in EU`.');
      return title.length > 200 ? invalid('title', 'A title has at most 200 characters.') : { kind: 'title', title };
    }
    case 'declare':
      return { kind: 'declare', title: rest === '' ? null : decodeSlackText(rest) };
    case 'status':
      return parseStatus(rest);
    case 'severity':
      return parseSeverity(rest);
    case 'lead':
      return parseLead(rest);
    case 'update':
    case 'note':
      return rest === ''
        ? invalid(subcommand, `\`${subcommand}\` needs some text, e.g. \`${subcommand} Rolled back the deploy\`.`)
        : { kind: subcommand, text: decodeSlackText(rest) };
    case 'help':
      return { kind: 'help' };
    case 'followup':
      return parseFollowUp(rest);
    case 'duplicate': {
      const reference = /^(?:inc-?)?([1-9][0-9]{0,8})$/i.exec(rest);
      return reference
        ? { kind: 'duplicate', of: `INC-${reference[1]}` }
        : invalid('duplicate', '`duplicate` needs the original incident, e.g. `duplicate INC-12`.');
    }
    default: {
      const typed = decodeSlackText(match[1]);
      const suggestion = closestSubcommand(word);
      return invalid(null, `Unknown subcommand \`${escapeMrkdwn(typed)}\`.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`);
    }
  }
}

function parseStatus(rest: string): IncidentCommand {
  const match = /^(\S+)(?:\s+([\s\S]*))?$/.exec(rest);
  const statuses = INCIDENT_STATUSES.join(', ');
  if (match === null) return invalid('status', `\`status\` needs one of: ${statuses}.`);
  const status = match[1].toLowerCase();
  if (!isIncidentStatus(status)) {
    return invalid('status', `Unknown status \`${escapeMrkdwn(decodeSlackText(match[1]))}\`. Use one of: ${statuses}.`);
  }
  const note = (match[2] ?? '').trim();
  return { kind: 'status', status, text: note === '' ? null : decodeSlackText(note) };
}

function parseSeverity(rest: string): IncidentCommand {
  const match = /^(?:sev)?[\s-]?([1-4])$/i.exec(rest);
  if (match === null) return invalid('severity', '`severity` needs one of: SEV1, SEV2, SEV3, SEV4.');
  return { kind: 'severity', severity: `SEV${match[1]}` as Severity };
}

function parseLead(rest: string): IncidentCommand {
  if (rest === '') return invalid('lead', '`lead` needs a person, e.g. `lead @alice` or `lead me`.');
  const mention = /^<@([A-Z0-9]+)(?:\|([^>]*))?>$/.exec(rest);
  if (mention !== null && isSlackUserId(mention[1])) {
    return { kind: 'lead', assignee: { kind: 'slack_user', slackUserId: mention[1], name: mention[2] ? mention[2] : null } };
  }
  if (/\s/.test(rest)) return invalid('lead', '`lead` takes one person, e.g. `lead @alice`.');
  // any other control sequence (<!channel>, <#C1>, a link) is not a person
  if (rest.startsWith('<')) return invalid('lead', '`lead` needs a person, e.g. `lead @alice` or `lead me`.');
  if (/^(me|myself)$/i.test(rest)) return { kind: 'lead', assignee: { kind: 'self' } };
  const name = decodeSlackText(rest).replace(/^@/, '');
  if (name === '') return invalid('lead', '`lead` needs a person, e.g. `lead @alice` or `lead me`.');
  return { kind: 'lead', assignee: { kind: 'name', name } };
}

function parseFollowUp(rest: string): IncidentCommand {
  const match = /^(P[0-3])(?:\s+([\s\S]*))?$/i.exec(rest);
  const priority = match ? (match[1].toUpperCase() as 'P0' | 'P1' | 'P2' | 'P3') : null;
  const title = decodeSlackText(match ? (match[2] ?? '').trim() : rest);
  if (title === '') return invalid('followup', '`followup` needs a title, e.g. `followup P0 Add a canary stage to checkout deploys`.');
  return { kind: 'followup', title, priority };
}

function invalid(subcommand: string | null, reason: string): IncidentCommand {
  return { kind: 'invalid', subcommand, reason };
}

/** A subcommand within two edits of what was typed (`stauts` → `status`), if any. */
function closestSubcommand(word: string): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of INCIDENT_SUBCOMMANDS) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The ephemeral reply for an invalid command: what was wrong, then the help.
 * `reason` is already mrkdwn-safe (user fragments in it are escaped).
 */
export function invalidCommandReply(result: Extract<IncidentCommand, { kind: 'invalid' }>, command = '/incident'): string {
  return `${result.reason}\n\n${incidentHelpText(command)}`;
}
