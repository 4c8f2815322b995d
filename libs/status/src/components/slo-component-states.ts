import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ComponentStatusTier, SloHealthState } from '../domain/component-status';

/** One SLO's state as of one evaluation, for the links from components to it. */
export interface SloStateRecord {
  readonly sloId: string;
  /** null when the SLO engine has no state for it (never evaluated, or deleted). */
  readonly state: SloHealthState | null;
  /** The tier that moves linked components (the SLO policy's componentStatusOn). */
  readonly componentStatusOn: ComponentStatusTier;
  /** When the SLO engine evaluated it: a reading older than the link's last change is ignored. */
  readonly evaluatedAt: Date;
}

/**
 * The one writer of SLO-driven component state, and the one link between an
 * SLO and a component: a row of `status_component_slos`. A component's
 * `sloIds` (admin API) and an SLO policy's `statusComponentId` (its alias)
 * both write that row; the state on it is written here only, by the SLO
 * engine's evaluation event (SloComponentStateListener in the api app) and by
 * the status job's catch-up (StatusRecorder.syncSloStates), both through
 * `record`. `record` is idempotent and exact: a row changes only when the state
 * or tier differs, `state_changed_at` is the evaluation time of the reading
 * that changed it, and a reading older than that is ignored, so the event and
 * the job can run in any order on any replica and end in the same state.
 */
@Injectable()
export class SloComponentStates {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Links the SLO to the component an SLO policy names (`statusComponentId`),
   * the same row `sloIds` writes; an existing link is left as it is. Returns
   * false when the component does not exist (nothing to link).
   */
  async linkFromPolicy(componentId: string, sloId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `WITH component AS (SELECT id FROM status_components WHERE id = $1),
            added AS (
              INSERT INTO status_component_slos (component_id, slo_id, state, state_changed_at, status_on)
              SELECT id, $2, NULL, NULL, 'page' FROM component
              ON CONFLICT (component_id, slo_id) DO NOTHING RETURNING component_id)
       SELECT (SELECT count(*) FROM component)::int AS found`,
      [componentId, sloId],
    )) as Array<{ found: number }>;
    return (rows[0]?.found ?? 0) > 0;
  }

  /** Writes the SLOs' states onto every link to them; returns the ids of the components whose links changed. */
  async record(records: readonly SloStateRecord[]): Promise<string[]> {
    if (records.length === 0) return [];
    const changed = (await this.dataSource.query(
      `UPDATE status_component_slos AS link
          SET state = given.state, status_on = given.status_on,
              state_changed_at = CASE WHEN link.state IS DISTINCT FROM given.state THEN given.evaluated_at ELSE link.state_changed_at END
         FROM (SELECT unnest($1::varchar[]) AS slo_id, unnest($2::varchar[]) AS state, unnest($3::varchar[]) AS status_on,
                      unnest($4::timestamptz[]) AS evaluated_at) AS given
        WHERE link.slo_id = given.slo_id
          AND (link.state IS DISTINCT FROM given.state OR link.status_on IS DISTINCT FROM given.status_on)
          AND (link.state_changed_at IS NULL OR link.state_changed_at <= given.evaluated_at)
        RETURNING link.component_id`,
      [
        records.map((record) => record.sloId),
        records.map((record) => record.state),
        records.map((record) => record.componentStatusOn),
        records.map((record) => record.evaluatedAt),
      ],
    )) as unknown;
    return componentIds(changed);
  }
}

/** TypeORM returns `[rows, count]` for UPDATE ... RETURNING on PostgreSQL. */
function componentIds(result: unknown): string[] {
  const rows = Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number' ? result[0] : result;
  return Array.isArray(rows) ? rows.map((row: { component_id: string }) => row.component_id) : [];
}
