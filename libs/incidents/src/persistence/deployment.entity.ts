import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ServiceEntity } from '@app/catalog';
import type { DeploymentStatus } from '../domain/delivery-insights';

/** One deployment of a service to an environment (POST /api/v1/deployments). */
@Entity({ name: 'deployments' })
export class DeploymentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'service_id', type: 'uuid' })
  serviceId: string;

  @ManyToOne(() => ServiceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'service_id' })
  service: ServiceEntity;

  @Column({ type: 'varchar', length: 63 })
  environment: string;

  @Column({ type: 'varchar', length: 200 })
  version: string;

  @Column({ type: 'varchar', length: 16 })
  status: DeploymentStatus;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz' })
  finishedAt: Date;

  /** Time of the (oldest) commit deployed: lead time for changes = commitAt → finishedAt. */
  @Column({ name: 'commit_at', type: 'timestamptz', nullable: true })
  commitAt: Date | null;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  url: string | null;

  /** The incident this deployment fixes (rework). */
  @Column({ name: 'fixes_incident_id', type: 'uuid', nullable: true })
  fixesIncidentId: string | null;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 300, nullable: true, unique: true })
  idempotencyKey: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
