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
  OpenSloImportError,
  type OpenSloImportIssue,
  PrometheusResultError,
  SloValidationError,
} from './domain/errors';
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
export {
  type ImportedSloDefinition,
  importOpenSlo,
  OPENSLO_MAX_ALIAS_COUNT,
  OPENSLO_MAX_CHARACTERS,
  OPENSLO_MAX_DOCUMENTS,
} from './domain/openslo-import';
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
export { type LatencyIndicator, type RatioIndicator, type SloIndicator, validateIndicator } from './domain/slo-indicator';
export {
  burnRate,
  errorBudget,
  errorBudgetRemaining,
  errorRatio,
  errorRatioOfCounts,
  type EventCounts,
  sli,
  validateObjective,
} from './domain/slo-math';
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
