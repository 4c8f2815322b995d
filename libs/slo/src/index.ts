// Public entry of @app/slo. Listed by name: what is not here is private to the lib.

export {
  alertTiersForSlo,
  type AlertSeverity,
  BURN_RATE_ALERT_TIERS,
  type BurnRateAlertTier,
  burnRateFactor,
  isAlertTierFiring,
  type ScaledBurnRateAlertTier,
} from './domain/burn-rate-alerts';
export {
  formatOpenSloImportIssue,
  isPrometheusFailure,
  OpenSloImportError,
  type OpenSloImportIssue,
  PrometheusQueryError,
  PrometheusResultError,
  PrometheusUnavailableError,
  type PrometheusUnavailableReason,
  SloNotFoundError,
  SloValidationError,
} from './domain/errors';
export {
  BUCKET_EVALUATION_WINDOWS,
  BUCKET_LABEL,
  type BucketCoverage,
  type BucketWindowBounds,
  combineWindowCounts,
  type EvaluationAnswer,
  type EvaluationPlan,
  type EvaluationPlanInput,
  naiveWindowKeys,
  planEvaluation,
  RAW_EVALUATION_WINDOWS,
  readEvaluationAnswer,
  REREAD_BUCKETS,
  sumBucketWindow,
} from './domain/evaluation-plan';
export {
  type BucketWindowSum,
  bucketStartFor,
  EVENT_BUCKET_SECONDS,
  type EventBucket,
  isBucketAligned,
  mergeBuckets,
  pruneBuckets,
  sumBucketsInWindow,
} from './domain/event-buckets';
export { type ImportedSloDefinition, importOpenSlo, OPENSLO_MAX_ALIAS_COUNT, OPENSLO_MAX_CHARACTERS, OPENSLO_MAX_DOCUMENTS } from './domain/openslo-import';
export { YAML_MAX_KEYS } from './domain/yaml-bounds';
export {
  BURN_RATE_ALERT_NAME,
  buildPrometheusRules,
  errorRatioRecordName,
  type PrometheusAlertingRule,
  type PrometheusRecordingRule,
  type PrometheusRuleFile,
  type PrometheusRuleGroup,
  type PrometheusRuleOptions,
  RECORDED_METRICS,
  renderPrometheusRules,
  type SloRuleSource,
} from './domain/prometheus-rules';
export {
  type BucketRangeQuery,
  buildBucketEventsQuery,
  buildWindowEventsQuery,
  COUNTER_LABEL,
  type EventCounter,
  increaseQuery,
  indicatorCounters,
  type IndicatorCounters,
  MAX_POINTS_PER_RANGE_QUERY,
  planBucketRangeQueries,
  type PrometheusMatrixSeries,
  type PrometheusVectorSample,
  readBucketEvents,
  readWindowEvents,
  WINDOW_LABEL,
} from './domain/promql-queries';
export {
  formatSeriesSelector,
  type LabelMatcher,
  type LabelMatchOperator,
  parseSeriesSelector,
  quotePromqlString,
  selectorMetricName,
  type SeriesSelector,
  withLabelMatchers,
} from './domain/promql-selector';
export { historyStepSeconds, isSloState, MAX_HISTORY_POINTS, prometheusFailureState, SLO_STATES_WORST_FIRST, worstSloState } from './domain/slo-health';
export { type LatencyIndicator, type RatioIndicator, type SloIndicator, validateIndicator } from './domain/slo-indicator';
export { burnRate, errorBudget, errorBudgetRemaining, errorRatio, errorRatioOfCounts, type EventCounts, sli, validateObjective } from './domain/slo-math';
export { DEFAULT_SLO_POLICY, SLO_POLICY_SEVERITIES, type SloPolicy, type SloPolicySeverity, validatePolicy } from './domain/slo-policy';
export {
  DEFAULT_PUBLIC_INCIDENT_MESSAGE,
  DEFAULT_PUBLIC_INCIDENT_TITLE,
  publicIncidentText,
  SLO_COMPONENT_STATUS_TIERS,
  type SloComponentStatusTier,
} from './domain/slo-policy';
export { budgetImpact, type BudgetImpact, budgetImpactBucketRange, type BudgetImpactInput } from './domain/budget-impact';
export {
  BREACH_WINDOWS,
  type BreachWindow,
  findSustainedBreach,
  formatMissedDuration,
  isBreachWindow,
  MAX_BREACH_AFTER_HOURS,
  MIN_BREACH_AFTER_HOURS,
  type SustainedBreach,
  type SustainedBreachInput,
} from './domain/sustained-breach';
export {
  evaluateSloStatus,
  type PrometheusFailure,
  type SloAlertStatus,
  type SloState,
  type SloStatus,
  type SloStatusInput,
  type SloWindowStatus,
} from './domain/slo-status';
export {
  EVALUATION_WINDOWS,
  type EvaluationWindow,
  evaluationWindowSeconds,
  formatPromqlDuration,
  formatWindow,
  MAX_WINDOW_DAYS,
  MIN_WINDOW_DAYS,
  parseWindow,
  type SloWindow,
  type StatusWindowKey,
  statusWindowSeconds,
  windowOfDays,
} from './domain/slo-window';

// Nest module, persistence and application services.
export { SLO_EVALUATED, type SloEvaluatedEvent, type SloEventSubject } from './application/slo-events';
export { SLO_EVALUATION_INTERVAL_NAME, SloEvaluationScheduler } from './application/slo-evaluation.scheduler';
export { type SloCycleReport, SloEvaluator } from './application/slo-evaluator';
export { type SloWarning } from './application/slo-selector-check';
export { type SavedSlo, type SloChangesInput, type SloDefinitionInput, SloDefinitionsService } from './application/slo-definitions.service';
export { SloReadModel } from './application/slo-read-model.service';
export {
  type ListSlosFilter,
  type SloBudgetSummary,
  type SloHistory,
  type SloHistoryPoint,
  type SloLatestState,
  type TeamSloRollup,
} from './application/slo-read-model.types';
export { SloModule } from './slo.module';
export { SLO_ENTITIES } from './persistence/entities';
export { SloEventBucketEntity } from './persistence/slo-event-bucket.entity';
export { SloEvaluationEntity } from './persistence/slo-evaluation.entity';
export { SloEntity } from './persistence/slo.entity';
export { PrometheusClient, type PrometheusWorkStats } from './prometheus/prometheus-client';

// SLO specs from other tools (OpenSLO, Sloth, Pyrra), PromQL templates.
export { importSloSpecs, type SloAlertingSpec, SloSpecImportError, type SpecImport, type SpecSloDefinition } from './domain/slo-spec-import';
export { expandTemplate, isPromqlTemplate, validatePromqlTemplate } from './domain/promql-template';
export { isTemplateIndicator, type RatioTemplateIndicator } from './domain/slo-indicator';
export { type AppliedSlo, type ApplySloSpecsOptions, SloSpecApplyService, type SloSpecApplyResult } from './application/slo-spec-apply.service';
export { type SloExportFilter, SloSpecExportService } from './application/slo-spec-export.service';
export { buildOpenSloDocuments, type OpenSloExportSource, renderOpenSlo } from './domain/openslo-export';
export { buildSlothRules, renderSlothRules, type SlothRuleSource } from './domain/sloth-rules';
export { DEFAULT_SPEC_PARSER_OPTIONS, SloSpecParser, SpecParserPool, type SpecParserPoolOptions } from './application/slo-spec-parser';
// Repositories at the IO edge, for the services' unit specs (test/support/slo-test-services.ts).
export { type SloDefinitionValues, type SloLatestRow, SloRepository, type SloSelection } from './persistence/slo.repository';
export { type EvaluationStepRow, SloHistoryRepository } from './persistence/slo-history.repository';
export { SloSelectorCheck } from './application/slo-selector-check';
export { SloMetricLabels } from './application/slo-metric-labels';
export { SloError, type SloErrorCode } from './domain/errors';

// Calendar windows (issue 22).
export { type CalendarPeriod, calendarPeriodAt, CALENDAR_WINDOWS, type CalendarWindow, isCalendarWindow } from './domain/calendar-window';
export { currentCalendarPeriod, parseSloWindow, type SloWindowColumns, sloWindowText } from './domain/slo-window-columns';
