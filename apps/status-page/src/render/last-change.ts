import type { PublicIncident, PublicMaintenance, PublicStatus } from '@app/status/core';

/**
 * The time of the last public change on the page: the latest update of a
 * component, group, incident or maintenance (Statuspage's `page.updated_at`).
 * Unlike the snapshot time it stays the same while nothing changes, and so
 * do the documents and their ETags. The snapshot time when the page is empty.
 */
export function lastPublicChangeAt(model: PublicStatus): string {
  let latest = 0;
  const consider = (iso: string | null) => {
    if (!iso) return;
    const time = Date.parse(iso);
    if (time > latest) latest = time;
  };
  for (const component of model.components) consider(component.updatedAt);
  for (const group of model.groups) consider(group.updatedAt);
  for (const incident of model.incidents) consider(incident.updatedAt);
  for (const maintenance of model.maintenances) consider(maintenance.updatedAt);
  return latest === 0 ? model.generatedAt : new Date(latest).toISOString();
}

/** How long an incident lasted (start to resolution); null while it is open. */
export function incidentDurationSeconds(incident: Pick<PublicIncident, 'startedAt' | 'resolvedAt'>): number | null {
  if (!incident.resolvedAt) return null;
  return Math.max(0, (Date.parse(incident.resolvedAt) - Date.parse(incident.startedAt)) / 1000);
}

/** How long a completed maintenance took (start, or its scheduled start, to completion); null until completed. */
export function maintenanceDurationSeconds(maintenance: Pick<PublicMaintenance, 'startedAt' | 'scheduledFor' | 'completedAt'>): number | null {
  if (!maintenance.completedAt) return null;
  return Math.max(0, (Date.parse(maintenance.completedAt) - Date.parse(maintenance.startedAt ?? maintenance.scheduledFor)) / 1000);
}
