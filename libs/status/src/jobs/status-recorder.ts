import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@app/platform';
import { SloComponentStates } from '../components/slo-component-states';
import { SloStateReading, SloStateSource } from '../slo-state-source';
import { StatusEvaluator } from '../status-evaluator';

// Any constant works; every Ballast replica must use the same one.
const HISTORY_LOCK_KEY = 7_204_511_077;

export interface StatusRefreshResult {
  readonly sloStatesChanged: number;
  readonly maintenancesStarted: number;
  readonly maintenancesCompleted: number;
  readonly historyChanges: number;
}

/**
 * Keeps the stored side of the status page current: SLO states (from the SLO
 * engine port), the automatic maintenance moves, and the component status
 * history the uptime bars are drawn from. Every step is safe to run from
 * several replicas at once: the updates only touch rows still in the state
 * they move from, and the history is written under a transaction-scoped
 * advisory lock plus a unique index allowing one open stretch per component.
 */
@Injectable()
export class StatusRecorder {
  private readonly logger = new Logger(StatusRecorder.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly sloStates: SloStateSource,
    private readonly evaluator: StatusEvaluator,
    private readonly clock: Clock,
    private readonly sloComponentStates: SloComponentStates,
  ) {}

  async refresh(now: Date = this.clock.now()): Promise<StatusRefreshResult> {
    const sloStatesChanged = await this.syncSloStates(now);
    const { started, completed } = await this.applyMaintenanceMoves(now);
    const historyChanges = await this.recordHistory(now);
    return { sloStatesChanged, maintenancesStarted: started, maintenancesCompleted: completed, historyChanges };
  }

  /**
   * After an admin write: bring history and SLO states up to date, but never
   * fail the write that already committed (the job retries on its next tick).
   */
  async refreshAfterWrite(now: Date = this.clock.now()): Promise<void> {
    try {
      await this.refresh(now);
    } catch (error) {
      this.logger.warn({ err: error }, 'status refresh after a write failed; the status job will catch up');
    }
  }

  /**
   * Catch-up for the evaluation event (a replica that stopped between storing
   * an evaluation and writing it, a link made since): copies the SLO engine's
   * latest states onto the component links through the one writer
   * (SloComponentStates.record, which ignores readings older than what a link
   * holds); returns how many links changed.
   */
  async syncSloStates(now: Date): Promise<number> {
    const rows = (await this.dataSource.query(`SELECT DISTINCT slo_id FROM status_component_slos ORDER BY slo_id`)) as Array<{ slo_id: string }>;
    if (rows.length === 0) return 0;
    const sloIds = rows.map((row) => row.slo_id);
    let readings: ReadonlyMap<string, SloStateReading>;
    try {
      readings = await this.sloStates.getStates(sloIds);
    } catch (error) {
      // The SLO engine being unavailable must not stop maintenance moves or history.
      this.logger.warn({ err: error }, 'could not read SLO states; keeping the last known ones');
      return 0;
    }
    const changed = await this.sloComponentStates.record(
      sloIds.map((sloId) => {
        const reading = readings.get(sloId);
        return { sloId, state: reading?.state ?? null, componentStatusOn: reading?.componentStatusOn ?? 'page', evaluatedAt: reading?.evaluatedAt ?? now };
      }),
    );
    return changed.length;
  }

  /** Persists due automatic starts and completions; a status set by hand is never touched. */
  async applyMaintenanceMoves(now: Date): Promise<{ started: number; completed: number }> {
    const started = await this.dataSource.query(
      `UPDATE status_maintenances SET status = 'in_progress', started_at = COALESCE(started_at, scheduled_for), updated_at = GREATEST(updated_at, $1)
        WHERE status = 'scheduled' AND auto_start AND scheduled_for <= $1 RETURNING id`,
      [now],
    );
    const completed = await this.dataSource.query(
      `UPDATE status_maintenances SET status = 'completed', completed_at = COALESCE(completed_at, scheduled_until), updated_at = GREATEST(updated_at, $1)
        WHERE status = 'in_progress' AND auto_complete AND scheduled_until <= $1 RETURNING id`,
      [now],
    );
    const result = { started: affectedRows(started), completed: affectedRows(completed) };
    if (result.started + result.completed > 0) this.logger.log(`maintenances started: ${result.started}, completed: ${result.completed}`);
    return result;
  }

  /** Closes and opens history stretches where the derived status changed; returns how many components changed. */
  async recordHistory(now: Date): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [HISTORY_LOCK_KEY]);
      const { source, derived } = await this.evaluator.evaluate({ now, db: manager });
      const open = new Map(
        (
          (await manager.query(`SELECT component_id, status FROM status_component_history WHERE ended_at IS NULL`)) as Array<{
            component_id: string;
            status: string;
          }>
        ).map((row) => [row.component_id, row.status]),
      );
      let changes = 0;
      for (const component of source.components) {
        const status = derived.components.get(component.id)?.status ?? 'operational';
        const current = open.get(component.id);
        if (current === status) continue;
        if (current === undefined) {
          // First record: the component has had this status since it was created (or since now, if that is earlier).
          await manager.query(
            `INSERT INTO status_component_history (component_id, status, started_at) VALUES ($1, $2, LEAST($3::timestamptz, $4::timestamptz))`,
            [component.id, status, component.createdAt, now],
          );
        } else {
          await manager.query(`UPDATE status_component_history SET ended_at = GREATEST(started_at, $2) WHERE component_id = $1 AND ended_at IS NULL`, [
            component.id,
            now,
          ]);
          // The new stretch starts exactly where the closed one ended (never before it, even with a clock behind).
          await manager.query(
            `INSERT INTO status_component_history (component_id, status, started_at)
             SELECT $1::varchar, $2::varchar, COALESCE(MAX(ended_at), $3::timestamptz) FROM status_component_history WHERE component_id = $1::varchar`,
            [component.id, status, now],
          );
        }
        changes++;
      }
      return changes;
    });
  }
}

/** TypeORM returns `[rows, count]` for UPDATE ... RETURNING on PostgreSQL. */
function affectedRows(result: unknown): number {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[1];
  return Array.isArray(result) ? result.length : 0;
}
