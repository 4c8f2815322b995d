import { formatIncidentReference, IncidentEntity } from '@app/incidents';
import { PostmortemEntity, PostmortemVersionEntity } from './postmortem.entity';

export function presentPostmortem(postmortem: PostmortemEntity, incident: IncidentEntity) {
  return {
    id: postmortem.id,
    incidentId: postmortem.incidentId,
    incident: formatIncidentReference(incident.number),
    status: postmortem.status,
    version: postmortem.version,
    markdown: postmortem.markdown,
    budgetImpact: postmortem.budgetImpact.map((impact) => ({
      sloId: impact.sloId,
      name: impact.name,
      service: impact.service,
      budgetConsumed: impact.budgetConsumed,
      badEvents: impact.badEvents,
      allowedBadEvents: impact.allowedBadEvents,
    })),
    required: postmortem.required,
    requiredBecause: postmortem.requiredBecause,
    publishedAt: postmortem.publishedAt,
    createdAt: postmortem.createdAt,
    updatedAt: postmortem.updatedAt,
  };
}

export function presentPostmortemVersion(version: PostmortemVersionEntity) {
  return { version: version.version, status: version.status, markdown: version.markdown, author: version.author, replacedAt: version.createdAt };
}
