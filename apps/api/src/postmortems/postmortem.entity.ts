import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { PostmortemBudgetImpact, PostmortemStatus } from './domain/postmortem-rules';

/** One postmortem per incident (the unique incident_id is what makes POST idempotent). */
@Entity({ name: 'postmortems' })
export class PostmortemEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('UQ_postmortems_incident', { unique: true })
  @Column({ name: 'incident_id', type: 'uuid' })
  incidentId: string;

  @Index('IDX_postmortems_team')
  @Column({ name: 'team_id', type: 'uuid' })
  teamId: string;

  @Column({ type: 'varchar', length: 16, default: 'draft' })
  status: PostmortemStatus;

  @Column({ type: 'text' })
  markdown: string;

  /** 1 for the draft; each PATCH that changes the text or status adds one (the previous text is in postmortem_versions). */
  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ name: 'budget_impact', type: 'jsonb', default: [] })
  budgetImpact: PostmortemBudgetImpact[];

  @Column({ type: 'boolean', default: false })
  required: boolean;

  @Column({ name: 'required_because', type: 'text', nullable: true })
  requiredBecause: string | null;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** A postmortem's text as it was before a PATCH replaced it. */
@Entity({ name: 'postmortem_versions' })
@Index('UQ_postmortem_versions_version', ['postmortemId', 'version'], { unique: true })
export class PostmortemVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'postmortem_id', type: 'uuid' })
  postmortemId: string;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'varchar', length: 16 })
  status: PostmortemStatus;

  @Column({ type: 'text' })
  markdown: string;

  /** Who wrote this version (token or Slack user label). */
  @Column({ type: 'varchar', length: 100 })
  author: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** The reminder claim of a required postmortem: one row per incident, moved by compare-and-set. */
@Entity({ name: 'postmortem_reminders' })
export class PostmortemReminderEntity {
  @Column({ name: 'incident_id', type: 'uuid', primary: true })
  incidentId: string;

  @Column({ name: 'last_reminder_at', type: 'timestamptz' })
  lastReminderAt: Date;

  @Column({ type: 'integer', default: 1 })
  reminders: number;
}
