// Public entry of @app/incidents. Listed by name: what is not here is private to the lib.

export {
  applyClockEvent,
  changeIncidentStatus,
  type ClockActor,
  type ClockEvent,
  type IncidentClock,
  openIncidentClock,
  type OpenIncidentClockInput,
  type StatusChangeResult,
  timeToAcknowledgeSeconds,
  timeToMitigateSeconds,
  timeToResolveSeconds,
} from './domain/incident-clock';
export {
  COMPONENT_STATUSES,
  compareComponentStatus,
  compareSeverity,
  type ComponentStatus,
  DEFAULT_INCIDENT_TYPES,
  INCIDENT_SOURCES,
  INCIDENT_STATUSES,
  INCIDENT_TEXT_MAX_LENGTH,
  INCIDENT_TITLE_MAX_LENGTH,
  type IncidentSource,
  type IncidentStatus,
  type IncidentTypeDefinition,
  isComponentStatus,
  isIncidentSource,
  isIncidentStatus,
  isIncidentTypeSlug,
  isOpenStatus,
  isSeverity,
  isVisibility,
  type Severity,
  SEVERITIES,
  statusLabel,
  type Visibility,
  VISIBILITIES,
  worstComponentStatus,
} from './domain/incident-enums';
export { IncidentDomainError, InvalidClockError, InvalidPeriodError, InvalidTransitionError } from './domain/incident-errors';
export {
  assertValidPeriod,
  buildIncidentInsights,
  type CountWithPrevious,
  type DurationSummary,
  type IncidentInsights,
  type InsightIncident,
  isWithinPeriod,
  median,
  percentile,
  type Period,
  previousPeriod,
  type ResponseTimes,
  summarizeDurations,
} from './domain/incident-insights';
export { formatIncidentReference, parseIncidentReference } from './domain/incident-reference';
export { allowedNextStatuses, canTransition, planStatusTransition, type StatusTransition, type StatusTransitionKind } from './domain/incident-status';
export {
  DEFAULT_REMINDER_CADENCE,
  nextReminderAt,
  type ReminderCadence,
  reminderDue,
  type ReminderSubject,
  resolveReminderCadence,
  silentForMinutes,
} from './domain/reminder';
export {
  type AlertRef,
  type AnyTimelineEvent,
  INCIDENT_ROLES,
  type IncidentRole,
  isHumanAuthor,
  isTimelineEventKind,
  lastReminderAt,
  lastUpdateAt,
  type PersonRef,
  type SloBurnRef,
  type SlackMessageRef,
  statusPageUpdates,
  TIMELINE_EVENT_KINDS,
  type TimelineAuthor,
  timelineEvent,
  type TimelineEvent,
  type TimelineEventKind,
  type TimelinePayloads,
  UPDATE_EVENT_KINDS,
} from './domain/timeline-event';

// Nest module, persistence and application services.
export { authorLabel, authorPerson } from './application/author';
export { ComponentDirectory, NoComponentDirectory } from './application/component-directory';
export { INCIDENT_CHANGED, INCIDENT_DECLARED } from './application/incident-events';
export type { IncidentChangedEvent, IncidentDeclaredEvent } from './application/incident-events';
export { IncidentsService } from './application/incidents.service';
export { IncidentQueriesService } from './application/incident-queries.service';
export { IncidentTypesService } from './application/incident-types.service';
export { IncidentsRepository } from './application/incidents.repository';
export type {
  AffectedComponentInput,
  DeclareIncidentInput,
  DeclareIncidentResult,
  ListIncidentsFilter,
  PostUpdateInput,
  RecordEventOptions,
  UpdateIncidentInput,
} from './application/incident-inputs';
export { InsightsService } from './application/insights.service';
export { IncidentsModule } from './incidents.module';
export { INCIDENT_ENTITIES } from './persistence/entities';
export { IncidentAffectedComponentEntity } from './persistence/incident-affected-component.entity';
export { IncidentServiceLinkEntity } from './persistence/incident-service-link.entity';
export { IncidentTimelineEventEntity } from './persistence/incident-timeline-event.entity';
export { IncidentTypeEntity } from './persistence/incident-type.entity';
export { IncidentEntity } from './persistence/incident.entity';

// Incident history, deployments and delivery insights (issue 24).
export {
  buildDeliveryInsights,
  type DeliveryDeployment,
  type DeliveryFigures,
  type DeliveryIncidentLink,
  type DeliveryInsights,
  DEPLOYMENT_STATUSES,
  deploymentOutcome,
  type DeploymentOutcome,
  type DeploymentStatus,
  isDeploymentStatus,
  PRODUCTION_ENVIRONMENT,
  summarizeDelivery,
} from './domain/delivery-insights';
export { applyRealTimes, type RealTimes } from './domain/incident-real-times';
export { describeRealTimeEdits, EDITABLE_REAL_TIMES, type EditableRealTime, type RealTimeEdit, realTimeEdits } from './domain/real-time-edits';
export { DeliveryInsightsService } from './application/delivery-insights.service';
export { DeploymentsService, SUGGESTION_WINDOW_MS } from './application/deployments.service';
export type { ListDeploymentsFilter, RecordDeploymentInput } from './application/deployments.service';
export { IncidentImportService } from './application/incident-import.service';
export type { ImportedIncident, ImportResult } from './application/incident-import.service';
export { ForbiddenReferenceError, unknownDuplicateTargetError } from './application/reference-errors';
export { DeploymentEntity } from './persistence/deployment.entity';
export { ACKNOWLEDGED_VIA, countsInMtta, nextAcknowledgement, openingAcknowledgedVia } from './domain/acknowledgement';
export type { Acknowledgement, AcknowledgedVia } from './domain/acknowledgement';
