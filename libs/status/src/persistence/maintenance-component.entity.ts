import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { ScheduledMaintenanceEntity } from './scheduled-maintenance.entity';
import { StatusComponentEntity } from './status-component.entity';

@Entity({ name: 'status_maintenance_components' })
export class MaintenanceComponentEntity {
  @PrimaryColumn({ name: 'maintenance_id', type: 'varchar', length: 12 })
  maintenanceId: string;

  @Index()
  @PrimaryColumn({ name: 'component_id', type: 'varchar', length: 12 })
  componentId: string;

  @ManyToOne(() => ScheduledMaintenanceEntity, (maintenance) => maintenance.componentLinks, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'maintenance_id' })
  maintenance: Relation<ScheduledMaintenanceEntity>;

  @ManyToOne(() => StatusComponentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'component_id' })
  component: Relation<StatusComponentEntity>;
}
