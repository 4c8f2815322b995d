import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { IncidentEntity } from './incident.entity';

/**
 * Append-only timeline. Only rows with kind `public_update` and `public = true`
 * of a public incident may ever reach the status page.
 */
@Entity({ name: 'incident_timeline_events' })
@Index('IDX_timeline_incident_occurred', ['incidentId', 'occurredAt'])
@Index('UQ_timeline_incident_source_ref', ['incidentId', 'sourceRef'], { unique: true, where: '"source_ref" IS NOT NULL' })
export class IncidentTimelineEventEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'incident_id', type: 'uuid' })
  incidentId: string;

  @ManyToOne(() => IncidentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'incident_id' })
  // Relation<> keeps the circular import out of decorator metadata.
  incident: Relation<IncidentEntity>;

  /** status_changed, severity_changed, role_changed, public_update, internal_note, slack_pin, ... */
  @Column({ type: 'varchar', length: 40 })
  kind: string;

  /** Slack user id, token name, or `ballast` for automatic events. */
  @Column({ type: 'varchar', length: 100 })
  author: string;

  @Column({ type: 'text', default: '' })
  body: string;

  @Column({ type: 'boolean', default: false })
  public: boolean;

  /** Incident status at the time of this event (Statuspage incident_updates carry it). */
  @Column({ name: 'status_at_event', type: 'varchar', length: 16, nullable: true })
  statusAtEvent: string | null;

  /** Structured details (from/to values, burn figures, permalinks, ...). */
  @Column({ type: 'jsonb', default: {} })
  data: Record<string, unknown>;

  /** Natural key of an external event (Slack message ts, alert fingerprint) so replays don't duplicate. */
  @Column({ name: 'source_ref', type: 'varchar', length: 200, nullable: true })
  sourceRef: string | null;

  /** When it happened (a pinned Slack message's own time), not when it was stored. */
  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
