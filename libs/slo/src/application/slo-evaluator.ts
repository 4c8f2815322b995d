import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AppConfig } from '@app/config';
import { Clock } from '@app/platform';
import { isPrometheusFailure, MetricLabelsRequiredError, PrometheusQueryError, PrometheusResultError } from '../domain/errors';
import { batchInstantQuery, combineWindowCounts, EvaluationPlan, planEvaluation, readEvaluationAnswer, splitBatchAnswer } from '../domain/evaluation-plan';
import { evaluationDueBy } from '../domain/evaluation-schedule';
import { EventBucket, mergeBuckets } from '../domain/event-buckets';
import { PrometheusVectorSample, readBucketEvents } from '../domain/promql-queries';
import { prometheusFailureState } from '../domain/slo-health';
import { evaluateSloStatus, SloStatus } from '../domain/slo-status';
import { windowOfDays } from '../domain/slo-window';
import { currentCalendarPeriod, lastGoodCountsAt, sloWindowText } from '../domain/slo-window-columns';
import { PrometheusClient } from '../prometheus/prometheus-client';
import { SLO_EVALUATED, SloEvaluatedEvent } from './slo-events';
import { SloMaintenanceExclusion, withMaintenanceExcluded } from './slo-maintenance-exclusion';
import { SloMetricLabels } from './slo-metric-labels';
import { ClaimedSlo, EvaluationWrite, SloEvaluationStore } from './slo-evaluation.store';

/** What one scheduler cycle of this replica did. */
export interface SloCycleReport {
  readonly claimed: number;
  readonly evaluated: number;
  /** Evaluations Prometheus failed (stored as `error`/`stale`). */
  readonly failed: number;
  /** Evaluations dropped because the claim had been taken over (or the SLO deleted). */
  readonly superseded: number;
  /** Evaluations that could not be stored (database errors); retried next cycle. */
  readonly errors: number;
  readonly durationMs: number;
}

/** `error`: the evaluation could not be stored (database); the SLO is evaluated again next cycle. */
export type EvaluationOutcome = 'evaluated' | 'failed' | 'superseded' | 'error';

/** SLOs whose instant queries share one Prometheus request. */
export const SLOS_PER_PROMETHEUS_QUERY = 10;
const CLAIM_BATCHES_PER_WORKER = 2;
const HISTORY_COMPACTION_EVERY_MS = 3_600_000;

/**
 * Evaluates SLOs: a plan per SLO (pure), the Prometheus queries it needs, the
 * bucket sums and the status in fenced writes, then `slo.evaluated`.
 *
 * In steady state an SLO costs Prometheus one tenth of a request: the instant
 * queries of up to SLOS_PER_PROMETHEUS_QUERY SLOs evaluated together go out as
 * one (each reads the raw 5m and 30m windows, the tail since the last 5-minute
 * boundary and the last 2 buckets); 1h … 3d and the SLO window are sums of
 * stored buckets. A new SLO (or a changed indicator, or a grown window) first
 * gets its missing buckets by range queries. A batch Prometheus refuses is
 * retried SLO by SLO, so one broken selector fails only its own SLO.
 *
 * Prometheus failing (unreachable, timeout, refused query, malformed answer)
 * makes the state `error`, then `stale` once the last good figures are older
 * than SLO_STALE_AFTER_S; the figures shown stay the last good ones, and no
 * bucket or history row is written. The next good evaluation recovers by itself
 * (it refetches the buckets missed meanwhile).
 */
@Injectable()
export class SloEvaluator {
  private readonly logger = new Logger(SloEvaluator.name);
  private lastCompactionMs: number | null = null;

  constructor(
    private readonly store: SloEvaluationStore,
    private readonly prometheus: PrometheusClient,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly events: EventEmitter2,
    private readonly metricLabels: SloMetricLabels,
    private readonly maintenance: SloMaintenanceExclusion,
  ) {}

  /**
   * One cycle: claims due SLOs in batches (replicas running the same cycle
   * share them) and evaluates each claimed SLO once, with up to
   * SLO_EVAL_CONCURRENCY Prometheus requests in flight. A failure of one batch
   * never stops the others.
   */
  async runCycle(): Promise<SloCycleReport> {
    const startedAt = performance.now();
    const concurrency = this.config.SLO_EVAL_CONCURRENCY;
    const counts = { claimed: 0, evaluated: 0, failed: 0, superseded: 0, errors: 0 };
    for (;;) {
      const now = this.clock.now();
      const claims = await this.store.claimDue(
        evaluationDueBy(now, this.config.SLO_EVAL_INTERVAL_S),
        this.nextEvaluationAt(now),
        concurrency * SLOS_PER_PROMETHEUS_QUERY * CLAIM_BATCHES_PER_WORKER,
      );
      if (claims.length === 0) {
        break;
      }
      counts.claimed += claims.length;
      const batches = chunks(claims, SLOS_PER_PROMETHEUS_QUERY);
      await forEachConcurrently(batches, concurrency, async (batch) => {
        try {
          for (const outcome of await this.evaluateBatch(batch)) {
            counts[outcome === 'error' ? 'errors' : outcome] += 1;
          }
        } catch (error) {
          counts.errors += batch.length;
          this.logger.error(`SLO evaluations of ${batch.map((slo) => slo.id).join(', ')} could not be stored: ${describe(error)}`);
        }
      });
    }
    await this.maybeCompactHistory();
    return { ...counts, durationMs: performance.now() - startedAt };
  }

  /**
   * Evaluates one SLO now, whatever its schedule (creation, a changed
   * definition, POST /evaluate). An evaluation of the same SLO running
   * elsewhere is superseded by this one.
   */
  async evaluateNow(sloId: string): Promise<EvaluationOutcome | 'not_found'> {
    const claim = await this.store.claimNow(sloId, this.nextEvaluationAt(this.clock.now()));
    if (!claim) {
      return 'not_found';
    }
    const [outcome] = await this.evaluateBatch([claim]);
    return outcome;
  }

  private nextEvaluationAt(now: Date): Date {
    return new Date(now.getTime() + this.config.SLO_EVAL_INTERVAL_S * 1000);
  }

  /** Evaluates claimed SLOs at one common time: one instant query, one write transaction. */
  private async evaluateBatch(slos: readonly ClaimedSlo[]): Promise<EvaluationOutcome[]> {
    const now = this.clock.now();
    // An SLO that does not carry its team's required metric labels (set after it was saved) queries nothing: state error.
    const refusals = slos.map((slo) => this.metricLabels.violation(slo.team, slo.indicator));
    const queried = slos.filter((_, index) => refusals[index] === null);
    const plans = queried.map((slo) =>
      planEvaluation({
        indicator: slo.indicator,
        window: windowOfDays(slo.windowDays),
        now,
        coverage: slo.bucketsFrom && slo.bucketsUntil ? { from: slo.bucketsFrom, until: slo.bucketsUntil } : null,
        calendarPeriod: currentCalendarPeriod(slo, now),
      }),
    );
    const answers = plans.length > 0 ? await this.queryInstant(plans) : [];
    const writes = await Promise.all(
      slos.map(async (slo, position): Promise<EvaluationWrite> => {
        const refusal = refusals[position];
        if (refusal !== null) return this.failedWrite(slo, now, new MetricLabelsRequiredError('indicator', `not evaluated: ${refusal}`));
        const index = queried.indexOf(slo);
        const plan = plans[index];
        const answer = answers[index];
        try {
          if (answer instanceof Error) {
            throw answer;
          }
          const fetched = await this.fetchMissingBuckets(slo, plan);
          const read = readEvaluationAnswer(slo.indicator, plan, answer);
          const fresh = mergeBuckets(fetched, read.rereadBuckets);
          const excludedEvents = await this.maintenance.excludedEvents(slo, plan, fresh, read.tail);
          return {
            kind: 'good',
            slo,
            plan,
            fresh,
            evaluate: (bucketSums) => {
              const counts = withMaintenanceExcluded(combineWindowCounts(plan, read, bucketSums), plan, excludedEvents);
              const period = currentCalendarPeriod(slo, plan.now);
              const status = evaluateSloStatus({
                sloId: slo.id,
                objective: slo.objective,
                window: sloWindowText(slo),
                now: plan.now,
                counts,
                period,
                excludedEvents,
              });
              return { status, counts };
            },
          };
        } catch (error) {
          if (!isPrometheusFailure(error)) {
            throw error;
          }
          return this.failedWrite(slo, plan.now, error);
        }
      }),
    );
    const stored = await this.storeWrites(writes);
    return writes.map((write, index) => {
      const status = stored[index];
      if (status instanceof Error) {
        this.logger.error(`SLO ${write.slo.id}: evaluation could not be stored: ${status.message}`);
        return 'error';
      }
      if (status === null) {
        return 'superseded';
      }
      this.announce(write.slo, status);
      return write.kind === 'good' ? 'evaluated' : 'failed';
    });
  }

  /** One transaction for the batch; if it fails, one per SLO, so a bad row only fails its own SLO. */
  private async storeWrites(writes: readonly EvaluationWrite[]): Promise<Array<SloStatus | null | Error>> {
    try {
      return await this.store.writeEvaluations(writes);
    } catch (error) {
      if (writes.length === 1) {
        return [error instanceof Error ? error : new Error(String(error))];
      }
      const stored: Array<SloStatus | null | Error> = [];
      for (const write of writes) {
        try {
          stored.push((await this.store.writeEvaluations([write]))[0]);
        } catch (single) {
          stored.push(single instanceof Error ? single : new Error(String(single)));
        }
      }
      return stored;
    }
  }

  /**
   * The batch's instant query, split per SLO. When Prometheus refuses the batch
   * or answers it malformed, each SLO is asked alone, so the failure stays with
   * the SLO it belongs to; when it does not answer, every SLO of the batch fails.
   */
  private async queryInstant(plans: readonly EvaluationPlan[]): Promise<Array<PrometheusVectorSample[] | Error>> {
    try {
      return splitBatchAnswer(await this.prometheus.instantQuery(batchInstantQuery(plans), plans[0].now), plans.length);
    } catch (error) {
      if (!isPrometheusFailure(error)) {
        throw error;
      }
      const aboutTheQuery =
        error instanceof PrometheusResultError || (error instanceof PrometheusQueryError && ['bad_data', 'execution'].includes(error.errorType));
      if (plans.length === 1 || !aboutTheQuery) {
        return plans.map(() => error);
      }
      return Promise.all(
        plans.map(async (plan) => {
          try {
            return await this.prometheus.instantQuery(plan.instantQuery, plan.now);
          } catch (single) {
            if (!isPrometheusFailure(single)) {
              throw single;
            }
            return single;
          }
        }),
      );
    }
  }

  private async fetchMissingBuckets(slo: ClaimedSlo, plan: EvaluationPlan): Promise<EventBucket[]> {
    let buckets: EventBucket[] = [];
    for (const query of plan.rangeQueries) {
      const result = await this.prometheus.rangeQuery(query.query, query);
      buckets = mergeBuckets(buckets, readBucketEvents(slo.indicator, query, result));
    }
    return buckets;
  }

  private failedWrite(slo: ClaimedSlo, now: Date, error: Error): EvaluationWrite {
    this.logger.warn(`SLO ${slo.id}: Prometheus failed, keeping the last good figures: ${error.message}`);
    const status = evaluateSloStatus({
      sloId: slo.id,
      objective: slo.objective,
      window: sloWindowText(slo),
      period: currentCalendarPeriod(slo, now),
      now,
      counts: lastGoodCountsAt(slo, slo.lastGoodCounts ?? {}, now),
      prometheusFailure: prometheusFailureState({
        now,
        lastSuccessAt: slo.lastSuccessAt,
        failingSince: slo.failingSince ?? now,
        staleAfterSeconds: this.config.SLO_STALE_AFTER_S,
      }),
    });
    return { kind: 'failed', slo, now, error: error.message, status };
  }

  /** `slo.evaluated`, once the evaluation is stored. */
  private announce(slo: ClaimedSlo, status: SloStatus): void {
    const event: SloEvaluatedEvent = {
      slo: {
        id: slo.id,
        name: slo.name,
        objective: slo.objective,
        window: sloWindowText(slo),
        policy: slo.policy,
        service: slo.service,
        team: slo.team,
      },
      previousStatus: slo.status,
      status,
    };
    try {
      this.events.emit(SLO_EVALUATED, event);
    } catch (error) {
      // A listener's failure is its own; the evaluation is stored.
      this.logger.error(`A ${SLO_EVALUATED} listener failed for SLO ${slo.id}: ${describe(error)}`);
    }
  }

  private async maybeCompactHistory(): Promise<void> {
    const nowMs = this.clock.now().getTime();
    if (this.lastCompactionMs !== null && nowMs - this.lastCompactionMs < HISTORY_COMPACTION_EVERY_MS && nowMs >= this.lastCompactionMs) {
      return;
    }
    this.lastCompactionMs = nowMs;
    try {
      await this.store.compactHistory(new Date(nowMs), this.config.SLO_HISTORY_RETENTION_DAYS);
    } catch (error) {
      this.logger.warn(`SLO history compaction failed: ${describe(error)}`);
    }
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) {
    result.push(items.slice(index, index + size));
  }
  return result;
}

async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
