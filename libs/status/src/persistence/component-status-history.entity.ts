import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { ComponentStatus } from '@app/incidents';
import { StatusComponentEntity } from './status-component.entity';

/**
 * Stretches of a component's derived status, written by the API's status job
 * whenever the derived status changes; the 90-day uptime bars come from here.
 * At most one open stretch (`ended_at IS NULL`) per component.
 */
@Entity({ name: 'status_component_history' })
@Index('IDX_status_history_component_started', ['componentId', 'startedAt'])
@Index('UQ_status_history_open', ['componentId'], { unique: true, where: '"ended_at" IS NULL' })
export class ComponentStatusHistoryEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'component_id', type: 'varchar', length: 12 })
  componentId: string;

  @ManyToOne(() => StatusComponentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'component_id' })
  component: Relation<StatusComponentEntity>;

  @Column({ type: 'varchar', length: 32 })
  status: ComponentStatus;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;
}
