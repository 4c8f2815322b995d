import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import type { Principal } from '@app/catalog';
import { Clock, RateLimitedError } from '@app/platform';
import { previousWeight, retryAfterSeconds, windowStartOf } from './evaluate-rate-window';

const WINDOW_MS = 60_000;

/**
 * POST /api/v1/slos/:id/evaluate queries Prometheus over the SLO's whole
 * window on demand: SLO_EVALUATE_PER_MINUTE per token and sliding minute,
 * then 429 with Retry-After. The counts live in PostgreSQL (one row per token
 * and fixed minute), so every replica shares them: the increment is one
 * atomic upsert that only counts a request that fits, so concurrent requests
 * on any replicas never exceed the limit and a refused one costs nothing.
 */
@Injectable()
export class EvaluateRateLimit {
  /** Start of the oldest window still kept, as of this replica's last prune. */
  private prunedBefore: number | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async take(principal: Principal): Promise<void> {
    const key = principal.tokenId ?? 'configured-admin';
    const now = this.clock.now().getTime();
    const limit = this.config.SLO_EVALUATE_PER_MINUTE;
    const current = new Date(windowStartOf(now, WINDOW_MS));
    const previous = new Date(current.getTime() - WINDOW_MS);
    // The previous window's count, weighted, plus this window's must leave room for one more.
    const accepted: unknown[] = await this.dataSource.query(
      `WITH earlier AS (
         SELECT coalesce((SELECT count FROM evaluate_rate_windows WHERE token_key = $1 AND window_start = $3), 0) * $4::float8 AS weighted)
       INSERT INTO evaluate_rate_windows AS w (token_key, window_start, count)
       SELECT $1, $2, 1 FROM earlier WHERE earlier.weighted + 1 <= $5
       ON CONFLICT (token_key, window_start) DO UPDATE SET count = w.count + 1
        WHERE (SELECT weighted FROM earlier) + w.count + 1 <= $5
       RETURNING w.count`,
      [key, current, previous, previousWeight(now, WINDOW_MS), limit],
    );
    // Windows older than the previous one never count again: dropped once per window by each replica, not per request.
    if (this.prunedBefore !== previous.getTime()) {
      this.prunedBefore = previous.getTime();
      await this.dataSource.query(`DELETE FROM evaluate_rate_windows WHERE window_start < $1`, [previous]);
    }
    if (accepted.length > 0) return;
    const rows: Array<{ window_start: Date; count: number }> = await this.dataSource.query(
      `SELECT window_start, count FROM evaluate_rate_windows WHERE token_key = $1 AND window_start IN ($2, $3)`,
      [key, current, previous],
    );
    const countAt = (start: Date) => rows.find((row) => new Date(row.window_start).getTime() === start.getTime())?.count ?? 0;
    throw new RateLimitedError(
      `at most ${limit} evaluations per minute per token (SLO_EVALUATE_PER_MINUTE); the SLO is evaluated every cycle anyway`,
      retryAfterSeconds({ previous: countAt(previous), current: countAt(current) }, now, WINDOW_MS, limit),
    );
  }
}
