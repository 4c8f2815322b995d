import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One row per team and digest slot: the primary key is what makes "once per team per week" hold across replicas. */
@Entity({ name: 'team_digests' })
export class TeamDigestEntity {
  @PrimaryColumn({ name: 'team_id', type: 'uuid' })
  teamId: string;

  @PrimaryColumn({ name: 'scheduled_at', type: 'timestamptz' })
  scheduledAt: Date;

  @Column({ type: 'boolean', default: false })
  delivered: boolean;

  @Column({ type: 'text' })
  body: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
