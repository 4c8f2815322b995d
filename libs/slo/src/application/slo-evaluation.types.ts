import type { EvaluationPlan } from '../domain/evaluation-plan';
import type { EventBucket } from '../domain/event-buckets';
import type { SloIndicator } from '../domain/slo-indicator';
import type { EventCounts } from '../domain/slo-math';
import type { SloPolicy } from '../domain/slo-policy';
import type { SloStatus } from '../domain/slo-status';
import type { StatusWindowKey } from '../domain/slo-window';
import type { SloWindowColumns } from '../domain/slo-window-columns';

/**
 * An SLO claimed for one evaluation: the fencing token of the claim and
 * everything the evaluation reads, loaded by the claim itself.
 */
export interface ClaimedSlo extends Pick<SloWindowColumns, 'windowCalendar' | 'windowTimeZone'> {
  readonly id: string;
  readonly token: string;
  readonly name: string;
  readonly objective: number;
  readonly windowDays: number;
  readonly indicator: SloIndicator;
  readonly policy: SloPolicy;
  /** The stored status when claimed: the previous status of this evaluation. */
  readonly status: SloStatus | null;
  readonly lastGoodCounts: Record<string, EventCounts> | null;
  readonly lastSuccessAt: Date | null;
  readonly failingSince: Date | null;
  readonly bucketsFrom: Date | null;
  readonly bucketsUntil: Date | null;
  readonly service: { readonly id: string; readonly slug: string; readonly name: string };
  readonly team: { readonly id: string; readonly slug: string; readonly metricLabels: Record<string, string> | null };
}

/** A good evaluation to store: fetched buckets, and the status computed once the window sums are known. */
export interface GoodEvaluationWrite {
  readonly kind: 'good';
  readonly slo: ClaimedSlo;
  readonly plan: EvaluationPlan;
  /** Buckets read from Prometheus in this evaluation (range backfill + re-read ones). */
  readonly fresh: readonly EventBucket[];
  /** Pure: the status and the counts it came from, given the bucket sums per window. */
  readonly evaluate: (bucketSums: ReadonlyMap<StatusWindowKey, EventCounts>) => {
    readonly status: SloStatus;
    readonly counts: Partial<Record<StatusWindowKey, EventCounts>>;
  };
}

/** A failed evaluation to store: only the SLO row changes. */
export interface FailedEvaluationWrite {
  readonly kind: 'failed';
  readonly slo: ClaimedSlo;
  readonly now: Date;
  readonly error: string;
  readonly status: SloStatus;
}

export type EvaluationWrite = GoodEvaluationWrite | FailedEvaluationWrite;

export interface ClaimedRow extends Omit<ClaimedSlo, 'service' | 'team'> {
  serviceId: string;
  serviceSlug: string;
  serviceName: string;
  teamId: string;
  teamSlug: string;
  teamMetricLabels: Record<string, string> | null;
}

export const CLAIMED_COLUMNS = `
  s.id, s.claim_token AS "token", s.name, s.objective, s.window_days AS "windowDays", s.indicator, s.policy, s.status, s.window_calendar AS "windowCalendar", s.window_time_zone AS "windowTimeZone",
  s.last_good_counts AS "lastGoodCounts", s.last_success_at AS "lastSuccessAt", s.failing_since AS "failingSince",
  s.buckets_from AS "bucketsFrom", s.buckets_until AS "bucketsUntil",
  sv.id AS "serviceId", sv.slug AS "serviceSlug", sv.name AS "serviceName", t.id AS "teamId", t.slug AS "teamSlug",
  t.metric_labels AS "teamMetricLabels"`;
