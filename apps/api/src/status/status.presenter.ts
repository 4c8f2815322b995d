import type { ComponentView, GroupView, MaintenanceView, StatusReason } from '@app/status';

function presentReason(reason: StatusReason) {
  switch (reason.source) {
    case 'manual':
      return { source: reason.source, status: reason.status };
    case 'incident':
      return { source: reason.source, status: reason.status, incidentId: reason.incidentId, incidentTitle: reason.incidentTitle };
    case 'maintenance':
      return { source: reason.source, status: reason.status, maintenanceId: reason.maintenanceId, maintenanceName: reason.maintenanceName };
    case 'slo':
      return { source: reason.source, status: reason.status, sloId: reason.sloId, sloState: reason.sloState };
  }
}

/** Admin view: the derived status and why (the public page shows only the status). */
export function presentComponent(view: ComponentView) {
  const { component } = view;
  return {
    id: component.id,
    name: component.name,
    description: component.description,
    position: component.position,
    groupId: component.groupId,
    onlyShowIfDegraded: component.onlyShowIfDegraded,
    manualStatus: component.manualStatus,
    manualStatusUntil: component.manualStatusUntil,
    services: view.services.map((service) => service.slug),
    sloIds: view.slos.map((slo) => slo.sloId),
    slos: view.slos.map((slo) => ({ sloId: slo.sloId, state: slo.state, stateChangedAt: slo.stateChangedAt, componentStatusOn: slo.statusOn })),
    status: view.derived.status,
    statusReasons: view.derived.reasons.map(presentReason),
    // Burning SLOs the manual status overrides: shown so that nobody wonders why the page says otherwise.
    overriddenReasons: (view.derived.overridden ?? []).map(presentReason),
    createdAt: component.createdAt,
    updatedAt: component.updatedAt,
  };
}

export function presentGroup(view: GroupView) {
  return {
    id: view.group.id,
    name: view.group.name,
    description: view.group.description,
    position: view.group.position,
    components: view.componentIds,
    status: view.status,
    createdAt: view.group.createdAt,
    updatedAt: view.group.updatedAt,
  };
}

export function presentMaintenance(view: MaintenanceView) {
  const { maintenance } = view;
  return {
    id: maintenance.id,
    name: maintenance.name,
    body: maintenance.body,
    status: view.status,
    autoStart: maintenance.autoStart,
    autoComplete: maintenance.autoComplete,
    scheduledFor: maintenance.scheduledFor,
    scheduledUntil: maintenance.scheduledUntil,
    startedAt: maintenance.startedAt,
    verifyingAt: maintenance.verifyingAt,
    completedAt: maintenance.completedAt,
    components: view.componentIds,
    createdAt: maintenance.createdAt,
    updatedAt: maintenance.updatedAt,
  };
}
