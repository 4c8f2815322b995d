import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BucketWindowBounds, EvaluationPlan, sumBucketWindow } from '../domain/evaluation-plan';
import { EVENT_BUCKET_SECONDS, EventBucket } from '../domain/event-buckets';
import type { SloIndicator } from '../domain/slo-indicator';
import type { EventCounts } from '../domain/slo-math';
import type { SloPolicy } from '../domain/slo-policy';
import type { SloStatus } from '../domain/slo-status';
import type { StatusWindowKey } from '../domain/slo-window';

/**
 * An SLO claimed for one evaluation: the fencing token of the claim and
 * everything the evaluation reads, loaded by the claim itself.
 */
export interface ClaimedSlo {
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
  readonly team: { readonly id: string; readonly slug: string };
}

/** A good evaluation to store: fetched buckets, and the status computed once the stored sums are known. */
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

interface ClaimedRow extends Omit<ClaimedSlo, 'service' | 'team'> {
  serviceId: string;
  serviceSlug: string;
  serviceName: string;
  teamId: string;
  teamSlug: string;
}

const CLAIMED_COLUMNS = `
  s.id, s.claim_token AS "token", s.name, s.objective, s.window_days AS "windowDays", s.indicator, s.policy, s.status,
  s.last_good_counts AS "lastGoodCounts", s.last_success_at AS "lastSuccessAt", s.failing_since AS "failingSince",
  s.buckets_from AS "bucketsFrom", s.buckets_until AS "bucketsUntil",
  sv.id AS "serviceId", sv.slug AS "serviceSlug", sv.name AS "serviceName", t.id AS "teamId", t.slug AS "teamSlug"`;

const BUCKET_MS = EVENT_BUCKET_SECONDS * 1000;

/**
 * The PostgreSQL side of evaluations: claims (so replicas share the work and
 * each SLO is evaluated once per cycle), fenced writes, bucket sums, history.
 *
 * Claims. A cycle claims due SLOs with `FOR UPDATE SKIP LOCKED` and, in the
 * same statement, moves them to their next slot and gives each a fresh
 * `claim_token`: a replica running the same cycle skips them, and nobody
 * claims them again before `next_evaluation_at`. The evaluation itself runs
 * outside any transaction (it waits on Prometheus). Each of its two writes is
 * one statement that first checks the token (fencing): a claim taken over
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

  /** Buckets and sums (one statement), then status and history (one statement), both fenced. */
  private async writeGood(manager: EntityManager, write: GoodEvaluationWrite): Promise<SloStatus | null> {
    const bucketSums = await this.storeBucketsAndSum(manager, write.slo, write.plan, write.fresh);
    if (!bucketSums) {
      return null;
    }
    const { status, counts } = write.evaluate(bucketSums);
    return (await this.storeGoodStatus(manager, write.slo, write.plan, status, counts)) ? status : null;
  }

  /**
   * One statement: checks the claim (waiting on a concurrent definition
   * change), prunes buckets no window needs any more, upserts the fetched
   * buckets (rows whose counts did not change are not rewritten), and sums the
   * other stored buckets per window; the fetched ones are added here, as the
   * statement cannot see its own writes. Null when the claim was superseded.
   */
  private async storeBucketsAndSum(
    manager: EntityManager,
    slo: ClaimedSlo,
    plan: EvaluationPlan,
    fresh: readonly EventBucket[],
  ): Promise<Map<StatusWindowKey, EventCounts> | null> {
    const parameters: unknown[] = [
      slo.id,
      slo.token,
      plan.pruneBefore.toISOString(),
      fresh.map((bucket) => bucket.start.toISOString()),
      fresh.map((bucket) => bucket.bad),
      fresh.map((bucket) => bucket.total),
      plan.bucketEnd.toISOString(),
    ];
    const parameter = (value: unknown): string => {
      parameters.push(value);
      return `$${parameters.length}`;
    };
    const columns: string[] = [];
    plan.bucketWindows.forEach((window, index) => {
      const head = `${parameter(window.headStart.toISOString())}::timestamptz`;
      const fraction = `${parameter(window.headFraction)}::float8`;
      for (const counter of ['bad', 'total'] as const) {
        columns.push(
          `coalesce(sum(CASE WHEN b.bucket_start = ${head} THEN ${fraction} * b.${counter} ELSE b.${counter} END) FILTER (WHERE b.bucket_start >= ${head}), 0) AS "${counter}${index}"`,
        );
      }
    });
    const earliest = plan.bucketWindows.reduce((min, window) => Math.min(min, window.headStart.getTime()), plan.bucketEnd.getTime());
    const excluded = freshIntervals(fresh).map(
      ([fromMs, toMs]) => `NOT (b.bucket_start >= ${parameter(new Date(fromMs).toISOString())}::timestamptz AND b.bucket_start < ${parameter(new Date(toMs).toISOString())}::timestamptz)`,
    );
    // The sums read the primary key alone (it INCLUDEs bad and total): an index-only scan of <= 25,920 entries.
    const rows = (await manager.query(
      `WITH fence AS (SELECT id FROM slos WHERE id = $1 AND claim_token = $2 FOR SHARE),
       pruned AS (DELETE FROM slo_event_buckets WHERE slo_id = (SELECT id FROM fence) AND bucket_start < $3),
       upserted AS (
         INSERT INTO slo_event_buckets (slo_id, bucket_start, bad, total)
         SELECT fence.id, fresh.bucket_start, fresh.bad, fresh.total
         FROM fence, unnest($4::timestamptz[], $5::float8[], $6::float8[]) AS fresh(bucket_start, bad, total)
         ON CONFLICT (slo_id, bucket_start) DO UPDATE SET bad = EXCLUDED.bad, total = EXCLUDED.total
         WHERE slo_event_buckets.bad IS DISTINCT FROM EXCLUDED.bad OR slo_event_buckets.total IS DISTINCT FROM EXCLUDED.total
       )
       SELECT (SELECT count(*) FROM fence)::int AS "claimed", ${columns.join(', ')}
       FROM slo_event_buckets b
       WHERE b.slo_id = $1 AND b.bucket_start < $7 AND b.bucket_start >= ${parameter(new Date(earliest).toISOString())}
       ${excluded.map((condition) => `AND ${condition}`).join(' ')}`,
      parameters,
    )) as Array<Record<string, number>>;
    const [row] = rows;
    if (!row || row.claimed !== 1) {
      return null;
    }
    return new Map(
      plan.bucketWindows.map((window: BucketWindowBounds, index) => {
        const fetched = sumBucketWindow(fresh, window, plan.bucketEnd);
        return [window.key, { bad: Number(row[`bad${index}`]) + fetched.bad, total: Number(row[`total${index}`]) + fetched.total }];
      }),
    );
  }

  /** The latest status on the SLO row and one history row, in one fenced statement. */
  private async storeGoodStatus(
    manager: EntityManager,
    slo: ClaimedSlo,
    plan: EvaluationPlan,
    status: SloStatus,
    counts: Partial<Record<StatusWindowKey, EventCounts>>,
  ): Promise<boolean> {
    const burnRate = (key: string): number | null => status.windows[key]?.burnRate ?? null;
    const windowCounts = counts[status.window as StatusWindowKey];
    const rows = (await manager.query(
      `WITH updated AS (
         UPDATE slos SET state = $3, status = $4::jsonb, last_good_counts = $5::jsonb, sli = $6,
           error_budget_remaining = $7, evaluated_at = $8, last_success_at = $8, consecutive_failures = 0,
           last_error = NULL, failing_since = NULL, buckets_from = $9, buckets_until = $10, claim_token = NULL
         WHERE id = $1 AND claim_token = $2
         RETURNING id
       )
       INSERT INTO slo_evaluations (slo_id, evaluated_at, state, sli, error_budget_remaining,
         burn_rate_5m, burn_rate_30m, burn_rate_1h, burn_rate_2h, burn_rate_6h, burn_rate_1d, burn_rate_3d,
         burn_rate_window, window_bad_events, window_total_events, status)
       SELECT updated.id, $8, $3, $6, $7, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $4::jsonb FROM updated
       RETURNING id`,
      [
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
      ],
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

function claimedSlo(row: ClaimedRow): ClaimedSlo {
  const { serviceId, serviceSlug, serviceName, teamId, teamSlug, ...slo } = row;
  return { ...slo, service: { id: serviceId, slug: serviceSlug, name: serviceName }, team: { id: teamId, slug: teamSlug } };
}

/** The fetched buckets as runs of consecutive starts, [from, to) in ms. */
function freshIntervals(fresh: readonly EventBucket[]): Array<[number, number]> {
  const starts = fresh.map((bucket) => bucket.start.getTime()).sort((a, b) => a - b);
  const intervals: Array<[number, number]> = [];
  for (const start of starts) {
    const last = intervals[intervals.length - 1];
    if (last && start <= last[1]) {
      last[1] = Math.max(last[1], start + BUCKET_MS);
    } else {
      intervals.push([start, start + BUCKET_MS]);
    }
  }
  return intervals;
}

/** Rows of an UPDATE/DELETE … RETURNING through TypeORM's query() ([rows, count]). */
function updatedRows<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : [];
}

function updatedCount(result: unknown): number {
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}
