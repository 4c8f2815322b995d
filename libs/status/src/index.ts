// Public entry of @app/status. Listed by name: what is not here is private to the lib.

export { StatusComponentDirectory } from './components/status-component-directory';
export { ComponentGroupsService, type CreateGroupInput, type GroupView, type UpdateGroupInput } from './components/component-groups.service';
export { type ComponentView, type CreateComponentInput, StatusComponentsService, type UpdateComponentInput } from './components/status-components.service';
export {
  componentStatusForSloState,
  componentStatusLabel,
  type ComponentStatusInputs,
  type DerivedComponentStatus,
  deriveComponentStatus,
  groupStatus,
  isSloHealthState,
  SLO_HEALTH_STATES,
  type SloHealthState,
  type StatusReason,
} from './domain/component-status';
export { COMPONENT_STATUS_TIERS, type ComponentStatusTier, isComponentStatusTier, manualStatusInForce } from './domain/component-status';
export { type DerivedStatuses, deriveStatuses } from './domain/derive-statuses';
export {
  canMoveMaintenance,
  effectiveMaintenanceStatus,
  isMaintenanceActive,
  isMaintenanceStatus,
  MAINTENANCE_STATUSES,
  type MaintenanceSchedule,
  type MaintenanceStatus,
  maintenanceStatusLabel,
} from './domain/maintenance-status';
export {
  impactOfComponentStatus,
  INCIDENT_IMPACTS,
  type IncidentImpact,
  incidentImpact,
  INDICATOR_DESCRIPTIONS,
  type OverallStatus,
  overallStatus,
  type OverallStatusInputs,
  STATUS_INDICATORS,
  type StatusIndicator,
  worstImpact,
} from './domain/overall-status';
export { generatePublicId, isPublicId, PUBLIC_ID_LENGTH, PUBLIC_ID_PATTERN } from './domain/public-id';
export {
  buildPublicStatus,
  type BuildPublicStatusOptions,
  type PublicComponent,
  type PublicGroup,
  type PublicIncident,
  type PublicIncidentUpdate,
  type PublicMaintenance,
  type PublicMaintenanceUpdate,
  type PublicStatus,
  type PublicUptimeDay,
} from './domain/public-status';
export type { ComponentRecord, GroupRecord, HistoryRecord, MaintenanceRecord, PublicIncidentRecord, StatusSource } from './domain/status-source';
export { dailyUptime, type DailyUptimeInput, DOWNTIME_WEIGHT, formatUptimePercent, overallUptime, type StatusInterval, type UptimeDay } from './domain/uptime';
export { STATUS_JOB_INTERVAL_MS, StatusJobs } from './jobs/status-jobs';
export { StatusRecorder, type StatusRefreshResult } from './jobs/status-recorder';
export { type CreateMaintenanceInput, type MaintenanceView, MaintenancesService, type UpdateMaintenanceInput } from './maintenances/maintenances.service';
export { ComponentStatusHistoryEntity } from './persistence/component-status-history.entity';
export { STATUS_ENTITIES } from './persistence/entities';
export { MaintenanceComponentEntity } from './persistence/maintenance-component.entity';
export { ScheduledMaintenanceEntity } from './persistence/scheduled-maintenance.entity';
export { StatusComponentGroupEntity } from './persistence/status-component-group.entity';
export { StatusComponentServiceEntity } from './persistence/status-component-service.entity';
export { StatusComponentSloEntity } from './persistence/status-component-slo.entity';
export { StatusComponentEntity } from './persistence/status-component.entity';
export type { SqlRunner } from './read-model/sql-runner';
export { readStatusSource, type ReadStatusSourceOptions } from './read-model/status-source.reader';
export { NoSloStateSource, SloStateSource, type SloStateReading } from './slo-state-source';
export { assertAdminForStatusPage, assertMayEditComponent, isTeamOwnedBy } from './status-access';
export { STATUS_CHANGED_CHANNEL } from './status-channel';
export { StatusEvaluator } from './status-evaluator';
export { StatusModule, type StatusModuleOptions } from './status.module';
export { CONFIRMATION_MAIL_INTERVAL_MS, CONFIRMATION_TOKEN_TTL_MS, nextAttemptAt, subscriberWantsEvent } from './subscriptions/delivery-policy';
export { MailTransport, type OutgoingMail } from './subscriptions/mail-transport';
export {
  escapeHtml,
  NOTIFICATION_KINDS,
  type NotificationEvent,
  type NotificationKind,
  type PageIdentity,
  renderConfirmationEmail,
  renderNotificationEmail,
  renderWebhookBody,
} from './subscriptions/notification-message';
export { NotificationSender, type SendRoundResult } from './subscriptions/notification-sender';
export { SubscriberNotFoundError, SubscriptionInputError, SubscriptionsUnavailableError } from './subscriptions/subscription-errors';
export { hashLinkToken, webhookSignature } from './subscriptions/subscription-tokens';
export { type SubscriberRecord, type SubscriberType, SubscriptionsRepository, SubscriptionsSql } from './subscriptions/subscriptions.repository';
export { type LinkOutcome, type SubscribeOutcome, SubscriptionsService } from './subscriptions/subscriptions.service';
export { StatusSubscriptionsModule, type StatusSubscriptionsModuleOptions } from './subscriptions/subscriptions.module';
export { type CreateSubscriberInput, WebhookSubscribersService } from './subscriptions/webhook-subscribers.service';
export { WebhookTransport } from './subscriptions/webhook-transport';
export { SloComponentStates, type SloStateRecord } from './components/slo-component-states';
