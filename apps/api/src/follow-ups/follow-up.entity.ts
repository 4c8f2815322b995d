import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { FollowUpPriority, FollowUpStatus } from './domain/follow-up-rules';

/** An action item of an incident: owner, due date, priority, optional tracker link. */
@Entity({ name: 'follow_ups' })
@Index('IDX_follow_ups_team_status_due', ['teamId', 'status', 'dueDate'])
export class FollowUpEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('IDX_follow_ups_incident')
  @Column({ name: 'incident_id', type: 'uuid' })
  incidentId: string;

  /** The incident's team (copied: list and isolation queries need no join). */
  @Column({ name: 'team_id', type: 'uuid' })
  teamId: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  /** Slack user id (U...) or a name. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  owner: string | null;

  /** YYYY-MM-DD (a calendar day, no time zone games). */
  @Column({ name: 'due_date', type: 'date', nullable: true })
  dueDate: string | null;

  @Column({ type: 'varchar', length: 2, default: 'P2' })
  priority: FollowUpPriority;

  @Column({ type: 'text', nullable: true })
  url: string | null;

  @Column({ type: 'varchar', length: 8, default: 'open' })
  status: FollowUpStatus;

  @Column({ name: 'created_by', type: 'varchar', length: 100 })
  createdBy: string;

  /** Natural key of the request that created it (Slack command, Idempotency-Key): a retry returns the same follow-up. */
  @Index('UQ_follow_ups_source_ref', { unique: true, where: '"source_ref" IS NOT NULL' })
  @Column({ name: 'source_ref', type: 'varchar', length: 200, nullable: true })
  sourceRef: string | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
