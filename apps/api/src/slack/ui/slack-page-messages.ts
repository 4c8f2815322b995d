import { formatIncidentReference } from '@app/incidents';
import { channelMention, escapeMrkdwnWithin, SEVERITY_EMOJI, SlackBlock, SlackMessage, userMention } from './index';
import type { Severity, Visibility } from '@app/incidents';

/** Action ids of the page's buttons (DESIGN.md, "On-call and paging"). */
export const ACKNOWLEDGE_ACTION_ID = 'incident_acknowledge';
export const ESCALATE_ACTION_ID = 'incident_escalate';

export interface PageSubject {
  readonly incidentId: string;
  readonly number: number;
  readonly title: string;
  readonly severity: Severity;
  readonly visibility: Visibility;
  readonly team: string | null;
  readonly summary: string | null;
  readonly source: string;
  readonly channelId: string | null;
}

/** A button's value: which incident and which step's page it sits on (so a double click escalates one step, not two). */
export function pageButtonValue(incidentId: string, stepIndex: number): string {
  return `${incidentId}:${stepIndex}`;
}

export function parsePageButtonValue(value: unknown): { incidentId: string; stepIndex: number } | null {
  if (typeof value !== 'string') return null;
  const match = /^([0-9a-f-]{36}):(\d{1,2})$/i.exec(value);
  return match ? { incidentId: match[1], stepIndex: Number(match[2]) } : null;
}

function buttons(subject: PageSubject, stepIndex: number, withEscalate: boolean): SlackBlock {
  const value = pageButtonValue(subject.incidentId, stepIndex);
  return {
    type: 'actions',
    block_id: `page:${value}`,
    elements: [
      { type: 'button', action_id: ACKNOWLEDGE_ACTION_ID, text: { type: 'plain_text', text: 'Acknowledge', emoji: true }, style: 'primary', value },
      ...(withEscalate
        ? [
            {
              type: 'button' as const,
              action_id: ESCALATE_ACTION_ID,
              text: { type: 'plain_text' as const, text: 'Escalate', emoji: true },
              style: 'danger' as const,
              value,
            },
          ]
        : []),
    ],
  };
}

/** The direct message that pages one person. */
export function buildPageMessage(subject: PageSubject, step: { stepIndex: number; stepCount: number; afterMinutes: number }): SlackMessage {
  const reference = formatIncidentReference(subject.number);
  const title = escapeMrkdwnWithin(subject.title, 200);
  const lines = [
    `:rotating_light: *You are paged for ${reference}: ${title}*`,
    `${SEVERITY_EMOJI[subject.severity]} ${subject.severity} · team ${escapeMrkdwnWithin(subject.team ?? 'none', 100)} · opened via ${subject.source}`,
  ];
  if (subject.summary && subject.summary.trim() !== '') lines.push(escapeMrkdwnWithin(subject.summary, 1500));
  const context = [`Step ${step.stepIndex + 1} of ${step.stepCount}`];
  if (step.afterMinutes > 0) context.push(`nobody acknowledged for ${formatMinutes(step.afterMinutes)}`);
  context.push(subject.channelId ? `join ${channelMention(subject.channelId)}` : 'the incident channel is being created');
  return {
    text: `You are paged for ${reference} [${subject.severity}] ${title}`,
    blocks: [
      { type: 'section', block_id: 'page_summary', text: { type: 'mrkdwn', text: lines.join('\n') } },
      { type: 'context', block_id: 'page_context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] },
      buttons(subject, step.stepIndex, step.stepIndex + 1 < step.stepCount),
    ],
  };
}

/** `@here` in the team channel: the last step. A private incident's title never goes there. */
export function buildChannelPageMessage(subject: PageSubject, step: { stepIndex: number; afterMinutes: number }): SlackMessage {
  const reference = formatIncidentReference(subject.number);
  const what = subject.visibility === 'private' ? `private incident ${reference}` : `${reference}: ${escapeMrkdwnWithin(subject.title, 200)}`;
  const text = `<!here> :rotating_light: ${SEVERITY_EMOJI[subject.severity]} ${subject.severity} ${what} is not acknowledged after ${formatMinutes(step.afterMinutes)}. Can someone take it?`;
  return {
    text,
    blocks: [{ type: 'section', block_id: 'page_summary', text: { type: 'mrkdwn', text } }, buttons(subject, step.stepIndex, false)],
  };
}

/** What a page turns into once someone acknowledged (buttons gone, who did it shown). */
export function buildAcknowledgedPageMessage(subject: PageSubject, acknowledgedBy: string): SlackMessage {
  const reference = formatIncidentReference(subject.number);
  const what = subject.visibility === 'private' ? `private incident ${reference}` : `${reference}: ${escapeMrkdwnWithin(subject.title, 200)}`;
  const text = `:white_check_mark: ${what} acknowledged by ${userMention(acknowledgedBy)}`;
  return { text, blocks: [{ type: 'section', block_id: 'page_summary', text: { type: 'mrkdwn', text } }] };
}

export function buildHandoffMessage(team: string, from: string | null, to: string | null, shiftEndsAt: Date | null): SlackMessage {
  const who = to ? userMention(to) : 'nobody';
  const text = `:pager: On-call handoff for *${escapeMrkdwnWithin(team, 100)}*: ${who} is on call now${from ? ` (taking over from ${userMention(from)})` : ''}${shiftEndsAt ? `, until ${shiftEndsAt.toISOString().replace('.000Z', 'Z')}` : ''}.`;
  return { text, blocks: [{ type: 'section', block_id: 'handoff', text: { type: 'mrkdwn', text } }] };
}

export function buildOncallReply(rows: ReadonlyArray<{ team: string; current: string | null; next: string | null; shiftEndsAt: Date | null }>): string {
  if (rows.length === 0) return 'No team has an on-call rotation yet (PUT /api/v1/teams/:slug/oncall).';
  return [
    '*Who is on call*',
    ...rows.map(
      (row) =>
        `• *${escapeMrkdwnWithin(row.team, 100)}*: ${row.current ? userMention(row.current) : 'nobody'}${row.next && row.shiftEndsAt ? `, then ${userMention(row.next)} from ${row.shiftEndsAt.toISOString().replace('.000Z', 'Z')}` : ''}`,
    ),
  ].join('\n');
}

export function formatMinutes(minutes: number): string {
  if (minutes < 1) return `${Math.round(minutes * 60)} s`;
  return `${Number.isInteger(minutes) ? minutes : minutes.toFixed(1)} min`;
}

/**
 * What the team channel learns of a private incident: that one exists, its
 * reference and severity, never its title, summary or people (the team
 * channel's audience may be wider than the incident's).
 */
export function buildPrivateIncidentAnnouncement(incident: { number: number; severity: Severity; status: string }): SlackMessage {
  const reference = formatIncidentReference(incident.number);
  const text = `:lock: ${SEVERITY_EMOJI[incident.severity]} Private incident ${reference} (${incident.severity}, ${incident.status}). Its details are shown to its members only.`;
  return { text, blocks: [{ type: 'section', block_id: 'private_announcement', text: { type: 'mrkdwn', text } }] };
}
