import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { ServiceEntity } from '@app/catalog';
import { StatusComponentEntity } from './status-component.entity';

/** Which catalog services a component stands for (ownership: team tokens act on their own services' components). */
@Entity({ name: 'status_component_services' })
export class StatusComponentServiceEntity {
  @PrimaryColumn({ name: 'component_id', type: 'varchar', length: 12 })
  componentId: string;

  @Index()
  @PrimaryColumn({ name: 'service_id', type: 'uuid' })
  serviceId: string;

  @ManyToOne(() => StatusComponentEntity, (component) => component.serviceLinks, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'component_id' })
  component: Relation<StatusComponentEntity>;

  @ManyToOne(() => ServiceEntity, { onDelete: 'CASCADE', eager: true })
  @JoinColumn({ name: 'service_id' })
  service: ServiceEntity;
}
