import type { ComponentStatus } from '@app/incidents';
import { type DerivedComponentStatus, deriveComponentStatus, groupStatus, manualStatusInForce } from './component-status';
import { effectiveMaintenanceStatus, isMaintenanceActive } from './maintenance-status';
import type { StatusSource } from './status-source';

export interface DerivedStatuses {
  readonly components: ReadonlyMap<string, DerivedComponentStatus>;
  readonly groups: ReadonlyMap<string, ComponentStatus>;
}

/** Derived status (with reasons) of every component and group at `now`. */
export function deriveStatuses(source: Pick<StatusSource, 'components' | 'groups' | 'incidents' | 'maintenances'>, now: Date): DerivedStatuses {
  const incidentsByComponent = new Map<string, Array<{ incidentId: string; title: string; status: ComponentStatus }>>();
  for (const incident of source.incidents) {
    if (incident.status === 'resolved' || incident.resolvedAt) continue;
    for (const affected of incident.affectedComponents) {
      const list = incidentsByComponent.get(affected.componentId) ?? [];
      list.push({ incidentId: incident.id, title: incident.title, status: affected.status });
      incidentsByComponent.set(affected.componentId, list);
    }
  }
  const maintenancesByComponent = new Map<string, Array<{ maintenanceId: string; name: string }>>();
  for (const maintenance of source.maintenances) {
    if (!isMaintenanceActive(effectiveMaintenanceStatus(maintenance, now))) continue;
    for (const componentId of maintenance.componentIds) {
      const list = maintenancesByComponent.get(componentId) ?? [];
      list.push({ maintenanceId: maintenance.id, name: maintenance.name });
      maintenancesByComponent.set(componentId, list);
    }
  }
  const components = new Map<string, DerivedComponentStatus>();
  for (const component of source.components) {
    components.set(
      component.id,
      deriveComponentStatus({
        manualStatus: manualStatusInForce(component.manualStatus, component.manualStatusUntil ?? null, now),
        incidents: incidentsByComponent.get(component.id) ?? [],
        maintenances: maintenancesByComponent.get(component.id) ?? [],
        slos: component.slos,
      }),
    );
  }
  const groups = new Map<string, ComponentStatus>();
  for (const group of source.groups) {
    const members = source.components.filter((component) => component.groupId === group.id);
    groups.set(group.id, groupStatus(members.map((member) => components.get(member.id)?.status ?? 'operational')));
  }
  return { components, groups };
}
