import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One write through the API, Slack or a webhook. Append-only (a trigger refuses UPDATE/DELETE/TRUNCATE). */
@Entity({ name: 'audit_log' })
export class AuditRecordEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  /** api | slack | webhook | system */
  @Column({ type: 'varchar', length: 16 })
  channel: string;

  /** admin | team | slack_user | system */
  @Column({ name: 'actor_kind', type: 'varchar', length: 16 })
  actorKind: string;

  @Column({ name: 'actor_token_id', type: 'uuid', nullable: true })
  actorTokenId: string | null;

  @Column({ name: 'actor_team', type: 'varchar', length: 63, nullable: true })
  actorTeam: string | null;

  @Column({ name: 'actor_slack_user', type: 'varchar', length: 64, nullable: true })
  actorSlackUser: string | null;

  /** e.g. `POST /api/v1/incidents`, `slack /incident status`, `deploy_gate.override` */
  @Column({ type: 'varchar', length: 200 })
  action: string;

  @Column({ name: 'target_type', type: 'varchar', length: 64, nullable: true })
  targetType: string | null;

  @Column({ name: 'target_id', type: 'varchar', length: 200, nullable: true })
  targetId: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 100, nullable: true })
  requestId: string | null;

  @Column({ name: 'changed_fields', type: 'jsonb', default: () => "'[]'" })
  changedFields: string[];

  /** HTTP status of the answer, when there is one. */
  @Column({ type: 'integer', nullable: true })
  outcome: number | null;

  @Column({ type: 'jsonb', nullable: true })
  details: { [key: string]: string | number | boolean | null } | null;
}
