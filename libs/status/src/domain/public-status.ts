import type { ComponentStatus, IncidentStatus } from '@app/incidents';
import { deriveStatuses } from './derive-statuses';
import { effectiveMaintenanceStatus, isMaintenanceActive, type MaintenanceStatus } from './maintenance-status';
import { type IncidentImpact, incidentImpact, type OverallStatus, overallStatus } from './overall-status';
import type { MaintenanceRecord, PublicIncidentRecord, StatusSource } from './status-source';
import { dailyUptime, overallUptime, type StatusInterval } from './uptime';

/**
 * What the public status page shows, computed once per refresh and rendered
 * into HTML, Statuspage v2 JSON, feeds and badges. It holds public material
 * only (no SLO ids or states, no people, no internal incidents), which is why
 * it can be persisted to disk and served while the database is down.
 * Times are ISO-8601 UTC strings so the model survives a JSON round trip.
 */
export interface PublicStatus {
  readonly formatVersion: 1;
  /** When the data was read, to the minute (the page's honest "last updated"). */
  readonly generatedAt: string;
  readonly overall: OverallStatus;
  /** Groups by position then name. */
  readonly groups: readonly PublicGroup[];
  /** Components by position then name (group membership in `groupId`). */
  readonly components: readonly PublicComponent[];
  /** Newest first (by start). */
  readonly incidents: readonly PublicIncident[];
  /** Soonest first (by scheduled start). */
  readonly maintenances: readonly PublicMaintenance[];
}

export interface PublicGroup {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly position: number;
  readonly status: ComponentStatus;
  readonly componentIds: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface PublicUptimeDay {
  readonly date: string;
  readonly uptime: number | null;
  readonly worstStatus: ComponentStatus | null;
  /** Seconds per non-operational status. */
  readonly downtime: Readonly<Partial<Record<ComponentStatus, number>>>;
}

export interface PublicComponent {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly position: number;
  readonly groupId: string | null;
  readonly onlyShowIfDegraded: boolean;
  readonly status: ComponentStatus;
  readonly createdAt: string;
  /** Last change of the component or of its status. */
  readonly updatedAt: string;
  readonly uptimeDays: readonly PublicUptimeDay[];
  /** Over the whole uptime window; null before any data. */
  readonly uptime: number | null;
}

export interface PublicIncidentUpdate {
  readonly id: string;
  readonly status: IncidentStatus;
  readonly body: string;
  readonly createdAt: string;
  /** Component changes made since the previous public update; null when none. */
  readonly affectedComponents: ReadonlyArray<{ readonly componentId: string; readonly oldStatus: ComponentStatus; readonly newStatus: ComponentStatus }> | null;
}

export interface PublicIncident {
  readonly id: string;
  readonly name: string;
  readonly status: IncidentStatus;
  readonly impact: IncidentImpact;
  readonly createdAt: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly monitoringAt: string | null;
  readonly resolvedAt: string | null;
  /** Components the incident affects (that exist on the page) and the status it sets. */
  readonly components: ReadonlyArray<{ readonly componentId: string; readonly status: ComponentStatus }>;
  /** Newest first. */
  readonly updates: readonly PublicIncidentUpdate[];
}

export interface PublicMaintenanceUpdate {
  readonly id: string;
  readonly status: MaintenanceStatus;
  readonly body: string;
  readonly createdAt: string;
}

export interface PublicMaintenance {
  readonly id: string;
  readonly name: string;
  readonly body: string;
  readonly status: MaintenanceStatus;
  readonly scheduledFor: string;
  readonly scheduledUntil: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly componentIds: readonly string[];
  /** Newest first. */
  readonly updates: readonly PublicMaintenanceUpdate[];
}

export interface BuildPublicStatusOptions {
  readonly now: Date;
  /** Days of uptime bars (90 on the page). */
  readonly uptimeDays: number;
}

const MINUTE_MS = 60_000;
const iso = (date: Date): string => date.toISOString();
const isoOrNull = (date: Date | null): string | null => (date ? date.toISOString() : null);
const byPositionThenName = (a: { position: number; name: string }, b: { position: number; name: string }): number =>
  a.position - b.position || a.name.localeCompare(b.name);
const latest = (...dates: Array<Date | null | undefined>): Date =>
  new Date(Math.max(...dates.filter((date): date is Date => Boolean(date)).map((date) => date.getTime())));

/**
 * Builds the public model. Statuses are derived at `now` exactly; uptime and
 * the "last updated" time use `now` truncated to the minute, so that a refresh
 * with no real change yields an identical model (and the same ETags).
 */
export function buildPublicStatus(source: StatusSource, options: BuildPublicStatusOptions): PublicStatus {
  const now = options.now;
  const asOf = new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS);
  const derived = deriveStatuses(source, now);
  const componentIds = new Set(source.components.map((component) => component.id));

  const intervalsByComponent = new Map<string, StatusInterval[]>();
  const statusSince = new Map<string, Date>();
  for (const row of source.history) {
    const list = intervalsByComponent.get(row.componentId) ?? [];
    list.push({ status: row.status, from: row.startedAt, to: row.endedAt });
    intervalsByComponent.set(row.componentId, list);
    if (row.endedAt === null) statusSince.set(row.componentId, row.startedAt);
  }

  const components: PublicComponent[] = [...source.components].sort(byPositionThenName).map((component) => {
    const days = dailyUptime({
      intervals: intervalsByComponent.get(component.id) ?? [],
      trackedSince: component.createdAt,
      now: asOf,
      days: options.uptimeDays,
    });
    return {
      id: component.id,
      name: component.name,
      description: component.description,
      position: component.position,
      groupId: component.groupId,
      onlyShowIfDegraded: component.onlyShowIfDegraded,
      status: derived.components.get(component.id)?.status ?? 'operational',
      createdAt: iso(component.createdAt),
      updatedAt: iso(latest(component.updatedAt, statusSince.get(component.id))),
      uptimeDays: days.map((day) => ({ date: day.date, uptime: day.uptime, worstStatus: day.worstStatus, downtime: day.secondsByStatus })),
      uptime: overallUptime(days),
    };
  });

  const groups: PublicGroup[] = [...source.groups].sort(byPositionThenName).map((group) => ({
    id: group.id,
    name: group.name,
    description: group.description,
    position: group.position,
    status: derived.groups.get(group.id) ?? 'operational',
    componentIds: components.filter((component) => component.groupId === group.id).map((component) => component.id),
    createdAt: iso(group.createdAt),
    updatedAt: iso(group.updatedAt),
  }));

  const incidents = [...source.incidents]
    .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || a.id.localeCompare(b.id))
    .map((incident) => publicIncident(incident, componentIds));

  const maintenances = [...source.maintenances]
    .sort((a, b) => a.scheduledFor.getTime() - b.scheduledFor.getTime() || a.id.localeCompare(b.id))
    .map((maintenance) => publicMaintenance(maintenance, componentIds, now));

  const overall = overallStatus({
    componentStatuses: components.map((component) => component.status),
    unresolvedIncidentImpacts: incidents.filter((incident) => incident.status !== 'resolved').map((incident) => incident.impact),
    maintenanceInProgress: maintenances.some((maintenance) => isMaintenanceActive(maintenance.status)),
  });

  return { formatVersion: 1, generatedAt: iso(asOf), overall, groups, components, incidents, maintenances };
}

function publicIncident(incident: PublicIncidentRecord, componentIds: ReadonlySet<string>): PublicIncident {
  const affected = incident.affectedComponents.filter((component) => componentIds.has(component.componentId));
  const updates = [...incident.updates].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  const changes = [...incident.componentChanges].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  const publicUpdates: PublicIncidentUpdate[] = updates.map((update, index) => {
    const previous = index > 0 ? updates[index - 1].occurredAt.getTime() : Number.NEGATIVE_INFINITY;
    const since = changes.filter((change) => change.occurredAt.getTime() > previous && change.occurredAt.getTime() <= update.occurredAt.getTime());
    let affectedComponents = mergeComponentChanges(
      since.flatMap((change) => change.changes),
      componentIds,
    );
    // An incident declared with its components records no change event: its first update announces them.
    if (index === 0 && changes.length === 0 && affected.length > 0) {
      affectedComponents = affected.map((component) => ({
        componentId: component.componentId,
        oldStatus: 'operational' as const,
        newStatus: component.status,
      }));
    }
    return { id: update.id, status: update.status, body: update.body, createdAt: iso(update.occurredAt), affectedComponents };
  });
  const impact = incidentImpact({ affectedStatuses: affected.map((component) => component.status), severity: incident.severity });
  return {
    id: incident.id,
    name: incident.title,
    status: incident.status,
    impact,
    createdAt: iso(incident.createdAt),
    startedAt: iso(incident.startedAt),
    updatedAt: iso(latest(incident.createdAt, incident.mitigatedAt, incident.resolvedAt, ...updates.map((update) => update.occurredAt))),
    monitoringAt: isoOrNull(incident.mitigatedAt),
    resolvedAt: isoOrNull(incident.resolvedAt),
    components: affected.map((component) => ({ componentId: component.componentId, status: component.status })),
    updates: publicUpdates.reverse(),
  };
}

function mergeComponentChanges(
  changes: ReadonlyArray<{ componentId: string; from: ComponentStatus | null; to: ComponentStatus }>,
  componentIds: ReadonlySet<string>,
): PublicIncidentUpdate['affectedComponents'] {
  const merged = new Map<string, { componentId: string; oldStatus: ComponentStatus; newStatus: ComponentStatus }>();
  for (const change of changes) {
    if (!componentIds.has(change.componentId)) continue;
    const existing = merged.get(change.componentId);
    merged.set(change.componentId, { componentId: change.componentId, oldStatus: existing?.oldStatus ?? change.from ?? 'operational', newStatus: change.to });
  }
  return merged.size === 0 ? null : [...merged.values()];
}

const MAINTENANCE_MESSAGES: Readonly<Record<Exclude<MaintenanceStatus, 'scheduled'>, string>> = {
  in_progress: 'Scheduled maintenance is currently in progress. We will provide updates as necessary.',
  verifying: 'Verification is currently underway for the maintenance items.',
  completed: 'The scheduled maintenance has been completed.',
};

function publicMaintenance(maintenance: MaintenanceRecord, componentIds: ReadonlySet<string>, now: Date): PublicMaintenance {
  const status = effectiveMaintenanceStatus(maintenance, now);
  // Moves the scheduler has not persisted yet happened at their scheduled times.
  const startedAt =
    maintenance.startedAt ?? (status !== 'scheduled' && maintenance.autoStart && maintenance.status === 'scheduled' ? maintenance.scheduledFor : null);
  const completedAt = maintenance.completedAt ?? (status === 'completed' && maintenance.status !== 'completed' ? maintenance.scheduledUntil : null);
  const updates: PublicMaintenanceUpdate[] = [
    { id: `${maintenance.id}-scheduled`, status: 'scheduled', body: maintenance.body, createdAt: iso(maintenance.createdAt) },
  ];
  if (startedAt && status !== 'scheduled')
    updates.push({ id: `${maintenance.id}-in_progress`, status: 'in_progress', body: MAINTENANCE_MESSAGES.in_progress, createdAt: iso(startedAt) });
  if (maintenance.verifyingAt && (status === 'verifying' || status === 'completed')) {
    updates.push({ id: `${maintenance.id}-verifying`, status: 'verifying', body: MAINTENANCE_MESSAGES.verifying, createdAt: iso(maintenance.verifyingAt) });
  }
  if (completedAt && status === 'completed')
    updates.push({ id: `${maintenance.id}-completed`, status: 'completed', body: MAINTENANCE_MESSAGES.completed, createdAt: iso(completedAt) });
  updates.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return {
    id: maintenance.id,
    name: maintenance.name,
    body: maintenance.body,
    status,
    scheduledFor: iso(maintenance.scheduledFor),
    scheduledUntil: iso(maintenance.scheduledUntil),
    startedAt: isoOrNull(startedAt),
    completedAt: isoOrNull(completedAt),
    createdAt: iso(maintenance.createdAt),
    updatedAt: iso(latest(maintenance.updatedAt, startedAt, completedAt)),
    componentIds: maintenance.componentIds.filter((componentId) => componentIds.has(componentId)),
    updates,
  };
}
