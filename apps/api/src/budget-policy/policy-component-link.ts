import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * The status component an SLO's policy names (`policy.statusComponentId`),
 * linked to the SLO the way the status admin API links them
 * (`status_component_slos`), with the SLO's state as of this evaluation. The
 * component's derived status then follows the SLO at once, whether or not the
 * policy makes the incident public; the status job keeps the state current
 * from then on, and the public page hears of it through the table's NOTIFY
 * trigger.
 */
@Injectable()
export class PolicyComponentLink {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Returns false when the component no longer exists (nothing to move). */
  async follow(componentId: string, sloId: string, state: string, at: Date): Promise<boolean> {
    const linked: unknown[] = await this.dataSource.query(
      `INSERT INTO status_component_slos (component_id, slo_id, state, state_changed_at)
       SELECT id, $2, $3, $4 FROM status_components WHERE id = $1
       ON CONFLICT (component_id, slo_id) DO UPDATE SET state = EXCLUDED.state, state_changed_at = EXCLUDED.state_changed_at
        WHERE status_component_slos.state IS DISTINCT FROM EXCLUDED.state
       RETURNING component_id`,
      [componentId, sloId, state, at],
    );
    if (linked.length > 0) return true;
    const [exists] = await this.dataSource.query(`SELECT 1 FROM status_components WHERE id = $1`, [componentId]);
    return exists !== undefined;
  }
}
