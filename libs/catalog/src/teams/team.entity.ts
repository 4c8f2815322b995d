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

  /** Label matchers every PromQL selector of the team's SLOs must carry (admin-set); null: none, or SLO_REQUIRED_TEAM_LABEL's default. */
  @Column({ name: 'metric_labels', type: 'jsonb', nullable: true })
  metricLabels: Record<string, string> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
