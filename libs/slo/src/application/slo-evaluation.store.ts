import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { bucketWindowSums, EvaluationPlan, isAppendRun, RunningTotalBucket, withRunningTotals } from '../domain/evaluation-plan';
import type { EventBucket } from '../domain/event-buckets';
import type { EventCounts } from '../domain/slo-math';
import type { SloStatus } from '../domain/slo-status';
import type { StatusWindowKey } from '../domain/slo-window';
import { CLAIMED_COLUMNS, ClaimedRow, ClaimedSlo, EvaluationWrite, FailedEvaluationWrite, GoodEvaluationWrite } from './slo-evaluation.types';

export type { ClaimedSlo, EvaluationWrite, FailedEvaluationWrite, GoodEvaluationWrite } from './slo-evaluation.types';

/**
 * The PostgreSQL side of evaluations: claims (so replicas share the work and
 * each SLO is evaluated once per cycle), fenced writes, buckets with running
 * totals, window sums, history.
 *
 * Claims. A cycle claims due SLOs with `FOR UPDATE SKIP LOCKED` and, in the
 * same statement, moves them to their next slot and gives each a fresh
 * `claim_token`: a replica running the same cycle skips them, and nobody
 * claims them again before `next_evaluation_at`. The evaluation itself runs
 * outside any transaction (it waits on Prometheus). Every write statement
 * first locks the SLO row and checks the token (fencing): a claim taken over
 * meanwhile (POST /evaluate, a PATCH of the definition, a replica re-claiming
 * after a crash) turns the older evaluation's writes into no-ops.
 *
 * Writes of several evaluations share one transaction with
 * `synchronous_commit = off`: evaluation results are re-derivable (a crash
 * loses at most the last fraction of a second of them, and the next cycle
 * recomputes them), so they need not wait for a WAL flush each.
 */
@Injectable()
export class SloEvaluationStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Claims up to `limit` SLOs due at `now` and schedules them next at `nextAt`. */
  async claimDue(now: Date, nextAt: Date, limit: number): Promise<ClaimedSlo[]> {
    const result: unknown = await this.dataSource.query(
      `WITH due AS (
         SELECT id FROM slos WHERE next_evaluation_at <= $1
         ORDER BY next_evaluation_at, id LIMIT $3 FOR UPDATE SKIP LOCKED
       )
       UPDATE slos s SET next_evaluation_at = $2, claim_token = gen_random_uuid()
       FROM due, services sv, teams t
       WHERE s.id = due.id AND sv.id = s.service_id AND t.id = sv.team_id
       RETURNING ${CLAIMED_COLUMNS}`,
      [now.toISOString(), nextAt.toISOString(), limit],
    );
    return updatedRows<ClaimedRow>(result).map(claimedSlo);
  }

  /** Claims one SLO whatever its schedule (evaluate now); null if it does not exist. */
  async claimNow(sloId: string, nextAt: Date): Promise<ClaimedSlo | null> {
    const result: unknown = await this.dataSource.query(
      `UPDATE slos s SET next_evaluation_at = $2, claim_token = gen_random_uuid()
       FROM services sv, teams t
       WHERE s.id = $1 AND sv.id = s.service_id AND t.id = sv.team_id
       RETURNING ${CLAIMED_COLUMNS}`,
      [sloId, nextAt.toISOString()],
    );
    const [row] = updatedRows<ClaimedRow>(result);
    return row ? claimedSlo(row) : null;
  }

  /**
   * Stores evaluations in one transaction, in order. Returns each one's stored
   * status, or null when its claim was superseded (nothing of it written).
   */
  async writeEvaluations(writes: readonly EvaluationWrite[]): Promise<Array<SloStatus | null>> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL synchronous_commit = off');
      const stored: Array<SloStatus | null> = [];
      for (const write of writes) {
        stored.push(write.kind === 'good' ? await this.writeGood(manager, write) : await this.writeFailed(manager, write));
      }
      return stored;
    });
  }

  /**
   * Fast path (the fetched buckets are a run ending at the newest bucket:
   * steady state, a first backfill, a gap): one read of running totals (a few
   * index probes), then one fenced statement writing the buckets with their
   * running totals, the status and the history row. Otherwise (a grown window
   * filled its head, or buckets newer than this evaluation are stored): fenced
   * bucket write, recomputation of the SLO's running totals, read, status.
   */
  private async writeGood(manager: EntityManager, write: GoodEvaluationWrite): Promise<SloStatus | null> {
    const { slo, plan } = write;
    const fresh = [...write.fresh].sort((a, b) => a.start.getTime() - b.start.getTime());
    const firstFresh = fresh[0]?.start ?? plan.bucketEnd;
    const stored = await this.readRunningTotals(manager, slo.id, plan, firstFresh);
    if (isAppendRun(fresh, plan.bucketEnd) && !stored.newerBucketsStored) {
      const run = withRunningTotals(fresh, stored.before(firstFresh));
      const runStarts = new Map(run.map((bucket, index) => [bucket.start.getTime(), index]));
      const runBefore = (start: Date): EventCounts => {
        const index = runStarts.get(start.getTime()) ?? (start.getTime() >= plan.bucketEnd.getTime() ? run.length : undefined);
        if (index === undefined) {
          return stored.before(start);
        }
        const previous = run[index - 1];
        return previous ? { bad: previous.cumBad, total: previous.cumTotal } : stored.before(firstFresh);
      };
      const { status, counts } = write.evaluate(
        bucketWindowSums(plan, runBefore, (start) => (start.getTime() >= firstFresh.getTime() ? run[runStarts.get(start.getTime()) ?? -1] : stored.at(start))),
      );
      return (await this.storeAll(manager, slo, plan, run, status, counts)) ? status : null;
    }
    if (!(await this.storeBuckets(manager, slo, plan, fresh))) {
      return null;
    }
    await this.recomputeRunningTotals(manager, slo.id);
    const recomputed = await this.readRunningTotals(manager, slo.id, plan, plan.bucketEnd);
    const { status, counts } = write.evaluate(bucketWindowSums(plan, recomputed.before, recomputed.at));
    return (await this.storeGoodStatus(manager, slo, plan, status, counts)) ? status : null;
  }

  /**
   * Running totals before each window's head, before `firstFresh` and before
   * the bucket end, the head buckets themselves, and whether buckets at or after
   * the bucket end are stored (the clock moved back): about a dozen index probes.
   */
  private async readRunningTotals(
    manager: EntityManager,
    sloId: string,
    plan: EvaluationPlan,
    firstFresh: Date,
  ): Promise<{
    readonly before: (start: Date) => EventCounts;
    readonly at: (start: Date) => EventCounts | undefined;
    readonly newerBucketsStored: boolean;
  }> {
    const starts = [...new Set([firstFresh, plan.bucketEnd, ...plan.bucketWindows.map((window) => window.headStart)].map((start) => start.getTime()))];
    const rows = (await manager.query(
      `SELECT extract(epoch FROM k.start) * 1000 AS "startMs", p.cum_bad AS "beforeBad", p.cum_total AS "beforeTotal", h.bad AS "bad", h.total AS "total",
              EXISTS (SELECT 1 FROM slo_event_buckets WHERE slo_id = $1 AND bucket_start >= $3) AS "newer"
       FROM unnest($2::timestamptz[]) AS k(start)
       LEFT JOIN LATERAL (
         SELECT cum_bad, cum_total FROM slo_event_buckets WHERE slo_id = $1 AND bucket_start < k.start ORDER BY bucket_start DESC LIMIT 1
       ) p ON true
       LEFT JOIN LATERAL (SELECT bad, total FROM slo_event_buckets WHERE slo_id = $1 AND bucket_start = k.start) h ON true`,
      [sloId, starts.map((start) => new Date(start).toISOString()), plan.bucketEnd.toISOString()],
    )) as Array<{ startMs: string | number; beforeBad: number | null; beforeTotal: number | null; bad: number | null; total: number | null; newer: boolean }>;
    const byStart = new Map(rows.map((row) => [Math.round(Number(row.startMs)), row]));
    const lookup = (start: Date): (typeof rows)[number] => {
      const row = byStart.get(start.getTime());
      if (!row) {
        throw new Error(`No running total was read for ${start.toISOString()}`);
      }
      return row;
    };
    return {
      before: (start) => {
        const row = lookup(start);
        return { bad: row.beforeBad ?? 0, total: row.beforeTotal ?? 0 };
      },
      at: (start) => {
        const row = lookup(start);
        return row.bad === null || row.total === null ? undefined : { bad: row.bad, total: row.total };
      },
      newerBucketsStored: rows.some((row) => row.newer),
    };
  }

  /**
   * One fenced statement: prunes buckets no window needs any more, upserts the
   * run of fetched buckets with their running totals (unchanged rows are not
   * rewritten), stores the status on the SLO row and appends the history row.
   */
  private async storeAll(
    manager: EntityManager,
    slo: ClaimedSlo,
    plan: EvaluationPlan,
    run: readonly RunningTotalBucket[],
    status: SloStatus,
    counts: Partial<Record<StatusWindowKey, EventCounts>>,
  ): Promise<boolean> {
    const good = goodStatusParameters(slo, plan, status, counts);
    const rows = (await manager.query(
      `WITH fence AS (SELECT id FROM slos WHERE id = $1 AND claim_token = $2 FOR UPDATE),
       pruned AS (DELETE FROM slo_event_buckets WHERE slo_id = (SELECT id FROM fence) AND bucket_start < $21),
       upserted AS (
         INSERT INTO slo_event_buckets (slo_id, bucket_start, bad, total, cum_bad, cum_total)
         SELECT fence.id, run.bucket_start, run.bad, run.total, run.cum_bad, run.cum_total
         FROM fence, unnest($22::timestamptz[], $23::float8[], $24::float8[], $25::float8[], $26::float8[]) AS run(bucket_start, bad, total, cum_bad, cum_total)
         ON CONFLICT (slo_id, bucket_start) DO UPDATE
           SET bad = EXCLUDED.bad, total = EXCLUDED.total, cum_bad = EXCLUDED.cum_bad, cum_total = EXCLUDED.cum_total
         WHERE (slo_event_buckets.bad, slo_event_buckets.total, slo_event_buckets.cum_bad, slo_event_buckets.cum_total)
           IS DISTINCT FROM (EXCLUDED.bad, EXCLUDED.total, EXCLUDED.cum_bad, EXCLUDED.cum_total)
       ),
       ${UPDATE_GOOD_STATUS_CTE}
       ${INSERT_HISTORY}`,
      [
        ...good,
        plan.pruneBefore.toISOString(),
        run.map((bucket) => bucket.start.toISOString()),
        run.map((bucket) => bucket.bad),
        run.map((bucket) => bucket.total),
        run.map((bucket) => bucket.cumBad),
        run.map((bucket) => bucket.cumTotal),
      ],
    )) as unknown[];
    return rows.length === 1;
  }

  /** Slow path, first step: fenced prune and upsert (running totals recomputed next). False when superseded. */
  private async storeBuckets(manager: EntityManager, slo: ClaimedSlo, plan: EvaluationPlan, fresh: readonly EventBucket[]): Promise<boolean> {
    const rows = (await manager.query(
      `WITH fence AS (SELECT id FROM slos WHERE id = $1 AND claim_token = $2 FOR UPDATE),
       pruned AS (DELETE FROM slo_event_buckets WHERE slo_id = (SELECT id FROM fence) AND bucket_start < $3),
       upserted AS (
         INSERT INTO slo_event_buckets (slo_id, bucket_start, bad, total, cum_bad, cum_total)
         SELECT fence.id, fresh.bucket_start, fresh.bad, fresh.total, 0, 0
         FROM fence, unnest($4::timestamptz[], $5::float8[], $6::float8[]) AS fresh(bucket_start, bad, total)
         ON CONFLICT (slo_id, bucket_start) DO UPDATE SET bad = EXCLUDED.bad, total = EXCLUDED.total
       )
       SELECT id FROM fence`,
      [
        slo.id,
        slo.token,
        plan.pruneBefore.toISOString(),
        fresh.map((bucket) => bucket.start.toISOString()),
        fresh.map((bucket) => bucket.bad),
        fresh.map((bucket) => bucket.total),
      ],
    )) as unknown[];
    return rows.length === 1;
  }

  /** Running totals of all the SLO's stored buckets, rewritten where they differ. */
  private async recomputeRunningTotals(manager: EntityManager, sloId: string): Promise<void> {
    await manager.query(
      `UPDATE slo_event_buckets b SET cum_bad = r.cum_bad, cum_total = r.cum_total
       FROM (
         SELECT bucket_start, sum(bad) OVER running AS cum_bad, sum(total) OVER running AS cum_total
         FROM slo_event_buckets WHERE slo_id = $1
         WINDOW running AS (ORDER BY bucket_start ROWS UNBOUNDED PRECEDING)
       ) r
       WHERE b.slo_id = $1 AND b.bucket_start = r.bucket_start
         AND (b.cum_bad, b.cum_total) IS DISTINCT FROM (r.cum_bad, r.cum_total)`,
      [sloId],
    );
  }

  /** Slow path, last step: the status on the SLO row and the history row, fenced. */
  private async storeGoodStatus(
    manager: EntityManager,
    slo: ClaimedSlo,
    plan: EvaluationPlan,
    status: SloStatus,
    counts: Partial<Record<StatusWindowKey, EventCounts>>,
  ): Promise<boolean> {
    const rows = (await manager.query(
      `WITH fence AS (SELECT id FROM slos WHERE id = $1 AND claim_token = $2 FOR UPDATE),
       ${UPDATE_GOOD_STATUS_CTE}
       ${INSERT_HISTORY}`,
      goodStatusParameters(slo, plan, status, counts),
    )) as unknown[];
    return rows.length === 1;
  }

  /** The SLO row only: state, status (last good figures), failure count and message. Buckets and history stay untouched. */
  private async writeFailed(manager: EntityManager, write: FailedEvaluationWrite): Promise<SloStatus | null> {
    const result: unknown = await manager.query(
      `UPDATE slos SET state = $3, status = $4::jsonb, evaluated_at = $5, consecutive_failures = consecutive_failures + 1,
         last_error = $6, failing_since = COALESCE(failing_since, $5), claim_token = NULL
       WHERE id = $1 AND claim_token = $2`,
      [write.slo.id, write.slo.token, write.status.state, JSON.stringify(write.status), write.now.toISOString(), write.error.slice(0, 2000)],
    );
    return updatedCount(result) === 1 ? write.status : null;
  }

  /**
   * Retention: drops evaluations older than `retentionDays`, and thins the day
   * that just turned two days old to the last evaluation of each hour. One
   * replica at a time (transaction advisory lock); a no-op for the others.
   */
  async compactHistory(now: Date, retentionDays: number): Promise<{ deleted: number } | null> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = (await manager.query(`SELECT pg_try_advisory_xact_lock(hashtext('ballast.slo_evaluations.compaction')) AS locked`)) as Array<{
        locked: boolean;
      }>;
      if (!locked) {
        return null;
      }
      const dayMs = 86_400_000;
      const expired = updatedCount(
        await manager.query(`DELETE FROM slo_evaluations WHERE evaluated_at < $1`, [new Date(now.getTime() - retentionDays * dayMs).toISOString()]),
      );
      const thinned = updatedCount(
        await manager.query(
          `DELETE FROM slo_evaluations WHERE id IN (
             SELECT id FROM (
               SELECT id, row_number() OVER (
                 PARTITION BY slo_id, date_bin('1 hour', evaluated_at, TIMESTAMPTZ '1970-01-01 00:00:00+00')
                 ORDER BY evaluated_at DESC, id DESC) AS newest_first
               FROM slo_evaluations WHERE evaluated_at >= $1 AND evaluated_at < $2
             ) ranked WHERE newest_first > 1)`,
          [new Date(now.getTime() - 3 * dayMs).toISOString(), new Date(now.getTime() - 2 * dayMs).toISOString()],
        ),
      );
      return { deleted: expired + thinned };
    });
  }
}

/** Status and history of a good evaluation: `$1`..`$20` of the statements below (after a `fence` CTE). */
const UPDATE_GOOD_STATUS_CTE = `updated AS (
         UPDATE slos SET state = $3, status = $4::jsonb, last_good_counts = $5::jsonb, sli = $6,
           error_budget_remaining = $7, evaluated_at = $8, last_success_at = $8, consecutive_failures = 0,
           last_error = NULL, failing_since = NULL, buckets_from = $9, buckets_until = $10, claim_token = NULL
         FROM fence WHERE slos.id = fence.id
         RETURNING slos.id
       )`;

const INSERT_HISTORY = `INSERT INTO slo_evaluations (slo_id, evaluated_at, state, sli, error_budget_remaining,
         burn_rate_5m, burn_rate_30m, burn_rate_1h, burn_rate_2h, burn_rate_6h, burn_rate_1d, burn_rate_3d,
         burn_rate_window, window_bad_events, window_total_events, status)
       SELECT updated.id, $8, $3, $6, $7, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $4::jsonb FROM updated
       RETURNING id`;

function goodStatusParameters(slo: ClaimedSlo, plan: EvaluationPlan, status: SloStatus, counts: Partial<Record<StatusWindowKey, EventCounts>>): unknown[] {
  const burnRate = (key: string): number | null => status.windows[key]?.burnRate ?? null;
  const windowCounts = counts[status.window as StatusWindowKey];
  return [
    slo.id,
    slo.token,
    status.state,
    JSON.stringify(status),
    JSON.stringify(counts),
    status.sli,
    status.errorBudgetRemaining,
    status.evaluatedAt,
    plan.coverageAfter.from.toISOString(),
    plan.coverageAfter.until.toISOString(),
    burnRate('5m'),
    burnRate('30m'),
    burnRate('1h'),
    burnRate('2h'),
    burnRate('6h'),
    burnRate('1d'),
    burnRate('3d'),
    burnRate(status.window),
    windowCounts?.bad ?? null,
    windowCounts?.total ?? null,
  ];
}

function claimedSlo(row: ClaimedRow): ClaimedSlo {
  const { serviceId, serviceSlug, serviceName, teamId, teamSlug, teamMetricLabels, ...slo } = row;
  return {
    ...slo,
    service: { id: serviceId, slug: serviceSlug, name: serviceName },
    team: { id: teamId, slug: teamSlug, metricLabels: teamMetricLabels },
  };
}

/** Rows of an UPDATE/DELETE … RETURNING through TypeORM's query() ([rows, count]). */
function updatedRows<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : [];
}

function updatedCount(result: unknown): number {
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}
