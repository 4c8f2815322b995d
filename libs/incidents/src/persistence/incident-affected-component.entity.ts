import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import type { ComponentStatus } from '../domain/incident-enums';
import { IncidentEntity } from './incident.entity';

/** The status an incident sets on a public status component while it is active. */
@Entity({ name: 'incident_affected_components' })
export class IncidentAffectedComponentEntity {
  @PrimaryColumn({ name: 'incident_id', type: 'uuid' })
  incidentId: string;

  /** Status page component id (12 chars, [a-z0-9]). */
  @Index()
  @PrimaryColumn({ name: 'component_id', type: 'varchar', length: 12 })
  componentId: string;

  @Column({ type: 'varchar', length: 32 })
  status: ComponentStatus;

  @ManyToOne(() => IncidentEntity, (incident) => incident.affectedComponents, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'incident_id' })
  // Relation<> keeps the circular import out of decorator metadata.
  incident: Relation<IncidentEntity>;
}
