import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { AcknowledgedVia } from '../domain/acknowledgement';
import { TeamEntity } from '@app/catalog';
import type { ComponentStatus, IncidentSource, IncidentStatus, Severity, Visibility } from '../domain/incident-enums';
import { IncidentAffectedComponentEntity } from './incident-affected-component.entity';
import { IncidentServiceLinkEntity } from './incident-service-link.entity';

/** Where the Slack side of an incident stands; `pending` is retried later. */
export type SlackSyncState = 'none' | 'pending' | 'synced' | 'failed';

@Entity({ name: 'incidents' })
@Index('IDX_incidents_team_started', ['teamId', 'startedAt'])
@Index('IDX_incidents_started', ['startedAt'])
@Index('IDX_incidents_resolved', ['resolvedAt'])
@Index('UQ_incidents_open_dedup_key', ['dedupKey'], { unique: true, where: '"resolved_at" IS NULL AND "dedup_key" IS NOT NULL' })
export class IncidentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Human number: INC-<number>. */
  @Column({ type: 'integer', unique: true, default: () => "nextval('incident_number_seq')" })
  number: number;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text', default: '' })
  summary: string;

  @Column({ type: 'varchar', length: 4 })
  severity: Severity;

  @Column({ type: 'varchar', length: 16, default: 'investigating' })
  status: IncidentStatus;

  /** Incident type slug (global list plus per-team additions). */
  @Column({ type: 'varchar', length: 63 })
  type: string;

  @Column({ name: 'team_id', type: 'uuid' })
  teamId: string;

  @ManyToOne(() => TeamEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'team_id' })
  team: TeamEntity;

  @Column({ type: 'varchar', length: 16, default: 'internal' })
  visibility: Visibility;

  /** Slack user id (U...) or a name when declared through the API. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  commander: string | null;

  @Column({ name: 'declared_by', type: 'varchar', length: 100 })
  declaredBy: string;

  @Column({ type: 'varchar', length: 16 })
  source: IncidentSource;

  /** Open-incident deduplication (SLO id, Alertmanager groupKey): one open incident per key. */
  @Column({ name: 'dedup_key', type: 'varchar', length: 500, nullable: true })
  dedupKey: string | null;

  /** Request idempotency (Slack view submission, API Idempotency-Key): one incident per key, ever. */
  @Column({ name: 'idempotency_key', type: 'varchar', length: 300, nullable: true, unique: true })
  idempotencyKey: string | null;

  @Column({ name: 'slack_channel_id', type: 'varchar', length: 32, nullable: true })
  slackChannelId: string | null;

  @Column({ name: 'slack_channel_name', type: 'varchar', length: 80, nullable: true })
  slackChannelName: string | null;

  /** ts of the headline message in the incident channel (kept current with chat.update). */
  @Column({ name: 'slack_headline_ts', type: 'varchar', length: 32, nullable: true })
  slackHeadlineTs: string | null;

  /** ts of the announcement in the owning team's channel. */
  @Column({ name: 'slack_team_message_ts', type: 'varchar', length: 32, nullable: true })
  slackTeamMessageTs: string | null;

  @Column({ name: 'slack_sync_state', type: 'varchar', length: 16, default: 'none' })
  slackSyncState: SlackSyncState;

  @Column({ name: 'slack_sync_error', type: 'text', nullable: true })
  slackSyncError: string | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'detected_at', type: 'timestamptz' })
  detectedAt: Date;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null;

  /** how the first acknowledgement came about (MTTA counts all but 'self_declared') */
  @Column({ name: 'acknowledged_via', type: 'varchar', length: 16, nullable: true })
  acknowledgedVia: AcknowledgedVia | null;

  /** who acknowledged first (author label), null when unknown */
  @Column({ name: 'acknowledged_by', type: 'varchar', length: 200, nullable: true })
  acknowledgedBy: string | null;

  @Column({ name: 'mitigated_at', type: 'timestamptz', nullable: true })
  mitigatedAt: Date | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  /** Last status/public update, for reminder cadence. */
  @Column({ name: 'last_update_at', type: 'timestamptz' })
  lastUpdateAt: Date;

  @Column({ name: 'last_reminder_at', type: 'timestamptz', nullable: true })
  lastReminderAt: Date | null;

  /** Id in the tool the incident was imported from; an import with the same id (per team) changes nothing. */
  @Column({ name: 'external_id', type: 'varchar', length: 200, nullable: true })
  externalId: string | null;

  /** false: stored without a Slack channel, posts, paging or notifications (imported history). */
  @Column({ type: 'boolean', default: true })
  announce: boolean;

  /** Set when resolved as a duplicate of another incident: left out of insights counts and MTTx. */
  @Column({ name: 'duplicate_of_id', type: 'uuid', nullable: true })
  duplicateOfId: string | null;

  /** The deployment that caused it (delivery insights: change failure rate, recovery time). */
  @Column({ name: 'caused_by_deployment_id', type: 'uuid', nullable: true })
  causedByDeploymentId: string | null;

  @OneToMany(() => IncidentServiceLinkEntity, (link) => link.incident, { cascade: true })
  services: IncidentServiceLinkEntity[];

  @OneToMany(() => IncidentAffectedComponentEntity, (component) => component.incident, { cascade: true })
  affectedComponents: IncidentAffectedComponentEntity[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

export type { ComponentStatus };
