import { IncidentAffectedComponentEntity } from './incident-affected-component.entity';
import { IncidentServiceLinkEntity } from './incident-service-link.entity';
import { IncidentTimelineEventEntity } from './incident-timeline-event.entity';
import { IncidentTypeEntity } from './incident-type.entity';
import { IncidentEntity } from './incident.entity';
import { DeploymentEntity } from './deployment.entity';

export const INCIDENT_ENTITIES = [
  IncidentEntity,
  IncidentServiceLinkEntity,
  IncidentAffectedComponentEntity,
  IncidentTimelineEventEntity,
  IncidentTypeEntity,
  DeploymentEntity,
];
