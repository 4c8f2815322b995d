import { ComponentStatusHistoryEntity } from './component-status-history.entity';
import { MaintenanceComponentEntity } from './maintenance-component.entity';
import { ScheduledMaintenanceEntity } from './scheduled-maintenance.entity';
import { StatusComponentGroupEntity } from './status-component-group.entity';
import { StatusComponentServiceEntity } from './status-component-service.entity';
import { StatusComponentSloEntity } from './status-component-slo.entity';
import { StatusComponentEntity } from './status-component.entity';

export const STATUS_ENTITIES = [
  StatusComponentGroupEntity,
  StatusComponentEntity,
  StatusComponentServiceEntity,
  StatusComponentSloEntity,
  ScheduledMaintenanceEntity,
  MaintenanceComponentEntity,
  ComponentStatusHistoryEntity,
];
