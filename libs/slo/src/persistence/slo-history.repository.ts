import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { historyBucketStartsNeeded, RunningTotalRow } from '../domain/slo-history';
import type { SloState } from '../domain/slo-status';
import type { SloWindowColumns } from '../domain/slo-window-columns';

/** One step of stored evaluations: the last one's levels, the highest burn rate per column. */
export interface EvaluationStepRow {
  readonly time: Date;
  readonly evaluations: number;
  readonly state: SloState;
  readonly sli: number | null;
  readonly errorBudgetRemaining: number | null;
  /** Highest value per requested burn-rate column, in the order asked. */
  readonly burnRates: ReadonlyArray<number | null>;
}

export interface HistoryRange {
  readonly from: Date;
  readonly to: Date;
  readonly stepSeconds: number;
}

/** The history reads of an SLO: stored evaluations by step, and the backfilled buckets the other steps derive from. */
@Injectable()
export class SloHistoryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Evaluations between `from` and `to` grouped in steps of `stepSeconds` (epoch-aligned). */
  async evaluationSteps(id: string, range: HistoryRange, burnRateColumns: readonly string[]): Promise<EvaluationStepRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT date_bin(make_interval(secs => $4), evaluated_at, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS time,
              count(*)::int AS evaluations,
              (array_agg(state ORDER BY evaluated_at DESC, id DESC))[1] AS state,
              (array_agg(sli ORDER BY evaluated_at DESC, id DESC))[1] AS sli,
              (array_agg(error_budget_remaining ORDER BY evaluated_at DESC, id DESC))[1] AS "errorBudgetRemaining",
              ${burnRateColumns.map((column, index) => `max(${column}) AS "burn${index}"`).join(', ')}
       FROM slo_evaluations
       WHERE slo_id = $1 AND evaluated_at >= $2 AND evaluated_at <= $3
       GROUP BY 1 ORDER BY 1`,
      [id, range.from.toISOString(), range.to.toISOString(), range.stepSeconds],
    )) as Array<Record<string, unknown>>;
    return rows.map((row) => ({
      time: row.time as Date,
      evaluations: row.evaluations as number,
      state: row.state as SloState,
      sli: row.sli as number | null,
      errorBudgetRemaining: row.errorBudgetRemaining as number | null,
      burnRates: burnRateColumns.map((_, index) => row[`burn${index}`] as number | null),
    }));
  }

  /**
   * The buckets a history needs: the first one and those at the steps' instants
   * (a few hundred index lookups instead of a window of rows); all of them
   * when one of those is missing (a gap), so the points are the same either way.
   */
  async bucketRows(id: string, range: Omit<Parameters<typeof historyBucketStartsNeeded>[0], 'firstStart'>): Promise<RunningTotalRow[]> {
    // Epoch milliseconds rather than timestamptz: a 30-day hourly history reads ~2,000 rows, and parsing their dates was a tenth of its CPU.
    const columns = `extract(epoch FROM bucket_start)::float8 * 1000 AS start, bad, total, cum_bad AS "cumBad", cum_total AS "cumTotal"`;
    const query = async (sql: string, parameters: unknown[]): Promise<RunningTotalRow[]> =>
      ((await this.dataSource.query(sql, parameters)) as Array<Omit<RunningTotalRow, 'start'> & { start: number }>).map((row) => ({
        ...row,
        start: new Date(row.start),
      }));
    const [first] = await query(`SELECT ${columns} FROM slo_event_buckets WHERE slo_id = $1 ORDER BY bucket_start LIMIT 1`, [id]);
    if (!first) return [];
    const needed = historyBucketStartsNeeded({ ...range, firstStart: first.start });
    const found = await query(`SELECT ${columns} FROM slo_event_buckets WHERE slo_id = $1 AND bucket_start = ANY($2::timestamptz[]) ORDER BY bucket_start`, [
      id,
      needed.map((start) => start.toISOString()),
    ]);
    if (found.length === needed.length) {
      return found.length > 0 && found[0].start.getTime() === first.start.getTime() ? found : [first, ...found];
    }
    return query(`SELECT ${columns} FROM slo_event_buckets WHERE slo_id = $1 AND bucket_start < $2 ORDER BY bucket_start`, [id, range.to.toISOString()]);
  }

  /** What a history needs of the SLO: one primary-key read, no entity and no service join (the history is a hot read path). */
  async historySlo(id: string): Promise<HistorySlo | null> {
    const [row] = (await this.dataSource.query(
      `SELECT objective, window_days AS "windowDays", window_calendar AS "windowCalendar", window_time_zone AS "windowTimeZone" FROM slos WHERE id = $1`,
      [id],
    )) as HistorySlo[];
    return row ?? null;
  }
}

/** The columns of an SLO a history reads. */
export type HistorySlo = { readonly objective: number; readonly windowDays: number } & SloWindowColumns;
