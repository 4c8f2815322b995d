import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'teams' })
export class TeamEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 63, unique: true })
  slug: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'slack_channel_id', type: 'varchar', length: 32, nullable: true })
  slackChannelId: string | null;

  /** Whether the team has a PagerDuty routing key (the key itself is write-only: never mapped, never read back). */
  @Column({ name: 'pagerduty_configured', type: 'boolean', insert: false, update: false, default: false })
  pagerDutyConfigured: boolean;

  /** Label matchers every PromQL selector of the team's SLOs must carry (admin-set); null: none, or SLO_REQUIRED_TEAM_LABEL's default. */
  @Column({ name: 'metric_labels', type: 'jsonb', nullable: true })
  metricLabels: Record<string, string> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
