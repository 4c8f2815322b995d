import type { IncidentEntity } from '../persistence/incident.entity';
import type { TimelineEventKind } from '../domain/timeline-event';

/** In-process events other modules (Slack, status page, SLO policy) listen to. */
export const INCIDENT_DECLARED = 'incident.declared';
export const INCIDENT_CHANGED = 'incident.changed';

export interface IncidentDeclaredEvent {
  incident: IncidentEntity;
  /** false: stored history (import, `announce: false`): no Slack channel, posts, paging or notifications. */
  announce?: boolean;
}

export interface IncidentChangedEvent {
  incident: IncidentEntity;
  kinds: TimelineEventKind[];
}
