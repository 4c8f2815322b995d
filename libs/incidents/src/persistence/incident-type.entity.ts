import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Incident types: global (teamId null) plus per-team additions. */
@Entity({ name: 'incident_types' })
@Index('UQ_incident_types_global_slug', ['slug'], { unique: true, where: '"team_id" IS NULL' })
@Index('UQ_incident_types_team_slug', ['teamId', 'slug'], { unique: true, where: '"team_id" IS NOT NULL' })
export class IncidentTypeEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'team_id', type: 'uuid', nullable: true })
  teamId: string | null;

  @Column({ type: 'varchar', length: 63 })
  slug: string;

  @Column({ type: 'varchar', length: 100 })
  label: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
