import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { ComponentStatusTier, SloHealthState } from '../domain/component-status';
import { StatusComponentEntity } from './status-component.entity';

/**
 * An SLO whose burn moves a component, with the SLO's last state as synced from
 * the SLO engine by the API's status job. The status page reads the state from
 * here, so it needs no SLO engine of its own. Never published.
 */
@Entity({ name: 'status_component_slos' })
export class StatusComponentSloEntity {
  @PrimaryColumn({ name: 'component_id', type: 'varchar', length: 12 })
  componentId: string;

  /** The SLO's id (no foreign key: the SLO tables belong to the SLO lib). */
  @Index()
  @PrimaryColumn({ name: 'slo_id', type: 'varchar', length: 64 })
  sloId: string;

  /** null = not evaluated yet (or unknown to the SLO engine). */
  @Column({ type: 'varchar', length: 16, nullable: true })
  state: SloHealthState | null;

  @Column({ name: 'state_changed_at', type: 'timestamptz', nullable: true })
  stateChangedAt: Date | null;

  /** Which burning tier moves the component (the SLO policy's componentStatusOn), synced with the state. */
  @Column({ name: 'status_on', type: 'varchar', length: 8, default: 'page' })
  statusOn: ComponentStatusTier;

  @ManyToOne(() => StatusComponentEntity, (component) => component.sloLinks, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'component_id' })
  component: Relation<StatusComponentEntity>;
}
