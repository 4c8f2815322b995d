import { formatIncidentReference, IncidentEntity, IncidentTimelineEventEntity } from '@app/incidents';

export function presentIncident(incident: IncidentEntity) {
  return {
    id: incident.id,
    reference: formatIncidentReference(incident.number),
    number: incident.number,
    title: incident.title,
    summary: incident.summary,
    severity: incident.severity,
    status: incident.status,
    type: incident.type,
    team: incident.team?.slug,
    services: (incident.services ?? []).map((link) => link.service.slug).sort(),
    visibility: incident.visibility,
    commander: incident.commander,
    declaredBy: incident.declaredBy,
    source: incident.source,
    dedupKey: incident.dedupKey,
    affectedComponents: (incident.affectedComponents ?? [])
      .map((component) => ({ componentId: component.componentId, status: component.status }))
      .sort((a, b) => a.componentId.localeCompare(b.componentId)),
    slack: { channelId: incident.slackChannelId, channelName: incident.slackChannelName, syncState: incident.slackSyncState },
    startedAt: incident.startedAt,
    detectedAt: incident.detectedAt,
    acknowledgedAt: incident.acknowledgedAt,
    acknowledgedVia: incident.acknowledgedVia,
    acknowledgedBy: incident.acknowledgedBy,
    mitigatedAt: incident.mitigatedAt,
    resolvedAt: incident.resolvedAt,
    announce: incident.announce,
    externalId: incident.externalId,
    duplicateOf: incident.duplicateOfId,
    causedByDeploymentId: incident.causedByDeploymentId,
    lastUpdateAt: incident.lastUpdateAt,
    createdAt: incident.createdAt,
    updatedAt: incident.updatedAt,
  };
}

export function presentTimelineEvent(event: IncidentTimelineEventEntity) {
  const { author: _author, ...data } = event.data as Record<string, unknown>;
  return {
    id: event.id,
    kind: event.kind,
    author: event.author,
    body: event.body,
    public: event.public,
    status: event.statusAtEvent,
    occurredAt: event.occurredAt,
    data,
  };
}
