import { isComponentStatus, isIncidentStatus, isSeverity, type ComponentStatus } from '@app/incidents/core';
import { isComponentStatusTier, isSloHealthState } from '../domain/component-status';
import { isMaintenanceStatus } from '../domain/maintenance-status';
import type { ComponentRecord, GroupRecord, HistoryRecord, MaintenanceRecord, PublicIncidentRecord, StatusSource } from '../domain/status-source';
import type { SqlRunner } from './sql-runner';

export interface ReadStatusSourceOptions {
  readonly now: Date;
  /** History rows overlapping [now - historyDays, now] are read (uptime bars). 0 = none. */
  readonly historyDays: number;
  /** Resolved public incidents kept besides every unresolved one. 0 = unresolved only. */
  readonly resolvedIncidentLimit: number;
  /** Completed maintenances kept besides every open one. */
  readonly completedMaintenanceLimit: number;
}

type Row = Record<string, unknown>;

const asDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
const asDateOrNull = (value: unknown): Date | null => (value === null || value === undefined ? null : asDate(value));
const asComponentStatus = (value: unknown): ComponentStatus => (isComponentStatus(value) ? value : 'operational');

/**
 * Reads a {@link StatusSource}. The incident queries select public columns of
 * public incidents only — never commander, declared_by, Slack fields, summary
 * or internal notes — so nothing private can leak past this point even by
 * mistake further down. Run it inside one REPEATABLE READ transaction for a
 * consistent picture.
 */
export async function readStatusSource(db: SqlRunner, options: ReadStatusSourceOptions): Promise<StatusSource> {
  const groups = ((await db.query(`SELECT id, name, description, position, created_at, updated_at FROM status_component_groups`)) as Row[]).map(
    (row): GroupRecord => ({
      id: String(row.id),
      name: String(row.name),
      description: row.description === null ? null : String(row.description),
      position: Number(row.position),
      createdAt: asDate(row.created_at),
      updatedAt: asDate(row.updated_at),
    }),
  );

  const sloRows = (await db.query(`SELECT component_id, slo_id, state, status_on FROM status_component_slos ORDER BY slo_id`)) as Row[];
  const slosByComponent = new Map<string, Array<{ sloId: string; state: ReturnType<typeof parseSloState>; statusOn: 'page' | 'ticket' }>>();
  for (const row of sloRows) {
    const list = slosByComponent.get(String(row.component_id)) ?? [];
    list.push({ sloId: String(row.slo_id), state: parseSloState(row.state), statusOn: isComponentStatusTier(row.status_on) ? row.status_on : 'page' });
    slosByComponent.set(String(row.component_id), list);
  }
  const components = (
    (await db.query(
      `SELECT id, name, description, position, group_id, only_show_if_degraded, manual_status, manual_status_until, created_at, updated_at FROM status_components`,
    )) as Row[]
  ).map((row): ComponentRecord => ({
    id: String(row.id),
    name: String(row.name),
    description: row.description === null ? null : String(row.description),
    position: Number(row.position),
    groupId: row.group_id === null ? null : String(row.group_id),
    onlyShowIfDegraded: Boolean(row.only_show_if_degraded),
    manualStatus: isComponentStatus(row.manual_status) ? row.manual_status : null,
    manualStatusUntil: asDateOrNull(row.manual_status_until),
    createdAt: asDate(row.created_at),
    updatedAt: asDate(row.updated_at),
    slos: slosByComponent.get(String(row.id)) ?? [],
  }));

  const incidentRows = (await db.query(
    `(SELECT id, title, status, severity, started_at, created_at, mitigated_at, resolved_at
        FROM incidents WHERE visibility = 'public' AND resolved_at IS NULL AND status <> 'resolved')
     UNION ALL
     (SELECT id, title, status, severity, started_at, created_at, mitigated_at, resolved_at
        FROM incidents WHERE visibility = 'public' AND (resolved_at IS NOT NULL OR status = 'resolved')
        ORDER BY started_at DESC, id LIMIT $1)`,
    [options.resolvedIncidentLimit],
  )) as Row[];
  const incidentIds = incidentRows.map((row) => String(row.id));
  const incidentStatusById = new Map(incidentRows.map((row) => [String(row.id), row.status]));
  const affectedByIncident = new Map<string, Array<{ componentId: string; status: ComponentStatus }>>();
  const updatesByIncident = new Map<string, PublicIncidentRecord['updates'][number][]>();
  const changesByIncident = new Map<string, PublicIncidentRecord['componentChanges'][number][]>();
  if (incidentIds.length > 0) {
    for (const row of (await db.query(
      `SELECT incident_id, component_id, status FROM incident_affected_components WHERE incident_id = ANY($1::uuid[]) ORDER BY component_id`,
      [incidentIds],
    )) as Row[]) {
      const list = affectedByIncident.get(String(row.incident_id)) ?? [];
      list.push({ componentId: String(row.component_id), status: asComponentStatus(row.status) });
      affectedByIncident.set(String(row.incident_id), list);
    }
    // The visibility and public filters are repeated here on purpose: this query alone must never return private text.
    for (const row of (await db.query(
      `SELECT e.id, e.incident_id, e.body, e.status_at_event, e.occurred_at, e.created_at
         FROM incident_timeline_events e JOIN incidents i ON i.id = e.incident_id
        WHERE e.incident_id = ANY($1::uuid[]) AND i.visibility = 'public' AND e.kind = 'public_update' AND e.public = true
        ORDER BY e.occurred_at, e.created_at, e.id`,
      [incidentIds],
    )) as Row[]) {
      const list = updatesByIncident.get(String(row.incident_id)) ?? [];
      const incidentStatus = incidentStatusById.get(String(row.incident_id));
      list.push({
        id: String(row.id),
        body: String(row.body ?? ''),
        status: isIncidentStatus(row.status_at_event) ? row.status_at_event : isIncidentStatus(incidentStatus) ? incidentStatus : 'investigating',
        occurredAt: asDate(row.occurred_at),
        createdAt: asDate(row.created_at),
      });
      updatesByIncident.set(String(row.incident_id), list);
    }
    // Only the component ids and statuses of the change payload are read.
    for (const row of (await db.query(
      `SELECT e.incident_id, e.occurred_at, e.data -> 'changes' AS changes
         FROM incident_timeline_events e JOIN incidents i ON i.id = e.incident_id
        WHERE e.incident_id = ANY($1::uuid[]) AND i.visibility = 'public' AND e.kind = 'components_changed'
        ORDER BY e.occurred_at, e.created_at, e.id`,
      [incidentIds],
    )) as Row[]) {
      const list = changesByIncident.get(String(row.incident_id)) ?? [];
      list.push({ occurredAt: asDate(row.occurred_at), changes: parseComponentChanges(row.changes) });
      changesByIncident.set(String(row.incident_id), list);
    }
  }
  const incidents = incidentRows.map((row): PublicIncidentRecord => ({
    id: String(row.id),
    title: String(row.title),
    status: isIncidentStatus(row.status) ? row.status : 'investigating',
    severity: isSeverity(row.severity) ? row.severity : 'SEV4',
    startedAt: asDate(row.started_at),
    createdAt: asDate(row.created_at),
    mitigatedAt: asDateOrNull(row.mitigated_at),
    resolvedAt: asDateOrNull(row.resolved_at),
    affectedComponents: affectedByIncident.get(String(row.id)) ?? [],
    updates: updatesByIncident.get(String(row.id)) ?? [],
    componentChanges: changesByIncident.get(String(row.id)) ?? [],
  }));

  const maintenanceRows = (await db.query(
    `(SELECT * FROM status_maintenances WHERE status <> 'completed')
     UNION ALL
     (SELECT * FROM status_maintenances WHERE status = 'completed' ORDER BY scheduled_for DESC, id LIMIT $1)`,
    [options.completedMaintenanceLimit],
  )) as Row[];
  const maintenanceComponents = new Map<string, string[]>();
  if (maintenanceRows.length > 0) {
    for (const row of (await db.query(
      `SELECT maintenance_id, component_id FROM status_maintenance_components WHERE maintenance_id = ANY($1::varchar[]) ORDER BY component_id`,
      [maintenanceRows.map((row) => String(row.id))],
    )) as Row[]) {
      const list = maintenanceComponents.get(String(row.maintenance_id)) ?? [];
      list.push(String(row.component_id));
      maintenanceComponents.set(String(row.maintenance_id), list);
    }
  }
  const maintenances = maintenanceRows.map((row): MaintenanceRecord => ({
    id: String(row.id),
    name: String(row.name),
    body: String(row.body ?? ''),
    status: isMaintenanceStatus(row.status) ? row.status : 'scheduled',
    autoStart: Boolean(row.auto_start),
    autoComplete: Boolean(row.auto_complete),
    scheduledFor: asDate(row.scheduled_for),
    scheduledUntil: asDate(row.scheduled_until),
    startedAt: asDateOrNull(row.started_at),
    verifyingAt: asDateOrNull(row.verifying_at),
    completedAt: asDateOrNull(row.completed_at),
    createdAt: asDate(row.created_at),
    updatedAt: asDate(row.updated_at),
    componentIds: maintenanceComponents.get(String(row.id)) ?? [],
  }));

  let history: HistoryRecord[] = [];
  if (options.historyDays > 0) {
    const since = new Date(options.now.getTime() - (options.historyDays + 1) * 86_400_000);
    history = (
      (await db.query(
        `SELECT component_id, status, started_at, ended_at FROM status_component_history
        WHERE ended_at IS NULL OR ended_at > $1 ORDER BY component_id, started_at`,
        [since],
      )) as Row[]
    ).map((row) => ({
      componentId: String(row.component_id),
      status: asComponentStatus(row.status),
      startedAt: asDate(row.started_at),
      endedAt: asDateOrNull(row.ended_at),
    }));
  }

  return { groups, components, incidents, maintenances, history };
}

function parseSloState(value: unknown) {
  return isSloHealthState(value) ? value : null;
}

function parseComponentChanges(value: unknown): PublicIncidentRecord['componentChanges'][number]['changes'] {
  const raw = typeof value === 'string' ? safeJson(value) : value;
  if (!Array.isArray(raw)) return [];
  const changes: Array<{ componentId: string; from: ComponentStatus | null; to: ComponentStatus }> = [];
  for (const item of raw) {
    if (typeof item !== 'object' || item === null) continue;
    const { componentId, from, to } = item as Record<string, unknown>;
    if (typeof componentId !== 'string' || !isComponentStatus(to)) continue;
    changes.push({ componentId, from: isComponentStatus(from) ? from : null, to });
  }
  return changes;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
