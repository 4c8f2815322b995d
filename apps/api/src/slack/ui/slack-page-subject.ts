import type { IncidentEntity } from '@app/incidents';
import type { PageSubject } from './slack-page-messages';

/** What a page (DM or channel) shows of its incident. */
export function subjectOf(incident: IncidentEntity): PageSubject {
  return {
    incidentId: incident.id,
    number: incident.number,
    title: incident.title,
    severity: incident.severity,
    visibility: incident.visibility,
    team: incident.team?.slug ?? null,
    summary: incident.summary || null,
    source: incident.source,
    channelId: incident.slackChannelId,
  };
}
