import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { ServiceEntity } from '@app/catalog';
import { IncidentEntity } from './incident.entity';

@Entity({ name: 'incident_services' })
export class IncidentServiceLinkEntity {
  @PrimaryColumn({ name: 'incident_id', type: 'uuid' })
  incidentId: string;

  @Index()
  @PrimaryColumn({ name: 'service_id', type: 'uuid' })
  serviceId: string;

  @ManyToOne(() => IncidentEntity, (incident) => incident.services, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'incident_id' })
  // Relation<> keeps the circular import out of decorator metadata.
  incident: Relation<IncidentEntity>;

  @ManyToOne(() => ServiceEntity, { onDelete: 'CASCADE', eager: true })
  @JoinColumn({ name: 'service_id' })
  service: ServiceEntity;
}
