import { Column, CreateDateColumn, Entity, Index, OneToMany, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { MaintenanceStatus } from '../domain/maintenance-status';
import { MaintenanceComponentEntity } from './maintenance-component.entity';

/** Planned work shown on the status page; its components are `under_maintenance` while it is active. */
@Entity({ name: 'status_maintenances' })
@Index('IDX_status_maintenances_status_for', ['status', 'scheduledFor'])
export class ScheduledMaintenanceEntity {
  /** 12 characters of [a-z0-9], generated server-side. */
  @PrimaryColumn({ type: 'varchar', length: 12 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** Public description of the work and its expected effect. */
  @Column({ type: 'text', default: '' })
  body: string;

  @Column({ type: 'varchar', length: 16, default: 'scheduled' })
  status: MaintenanceStatus;

  /** Move to in_progress at scheduledFor. */
  @Column({ name: 'auto_start', type: 'boolean', default: true })
  autoStart: boolean;

  /** Move from in_progress to completed at scheduledUntil. */
  @Column({ name: 'auto_complete', type: 'boolean', default: true })
  autoComplete: boolean;

  @Column({ name: 'scheduled_for', type: 'timestamptz' })
  scheduledFor: Date;

  @Column({ name: 'scheduled_until', type: 'timestamptz' })
  scheduledUntil: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'verifying_at', type: 'timestamptz', nullable: true })
  verifyingAt: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @OneToMany(() => MaintenanceComponentEntity, (link) => link.maintenance, { cascade: true })
  componentLinks: MaintenanceComponentEntity[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
