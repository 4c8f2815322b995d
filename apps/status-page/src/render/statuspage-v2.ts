import type { ComponentStatus, IncidentStatus } from '@app/incidents/core';
import {
  isMaintenanceActive,
  type MaintenanceStatus,
  type PublicComponent,
  type PublicGroup,
  type PublicIncident,
  type PublicMaintenance,
  type PublicStatus,
  type StatusIndicator,
} from '@app/status/core';
import { lastPublicChangeAt } from './last-change';
import type { PageInfo } from './page-info';

/**
 * Atlassian Statuspage's public API v2 shapes (field names and enums as
 * Statuspage serves them), so tools that read Statuspage read Ballast.
 */
export interface V2Page {
  id: string;
  name: string;
  url: string;
  time_zone: string;
  updated_at: string;
}

export interface V2Status {
  indicator: StatusIndicator;
  description: string;
}

export interface V2Component {
  id: string;
  name: string;
  status: ComponentStatus;
  created_at: string;
  updated_at: string;
  position: number;
  description: string | null;
  showcase: boolean;
  start_date: string | null;
  group_id: string | null;
  page_id: string;
  group: boolean;
  only_show_if_degraded: boolean;
  /** Groups only: ids of their components. */
  components?: string[];
}

export interface V2AffectedComponent {
  code: string;
  name: string;
  old_status: ComponentStatus;
  new_status: ComponentStatus;
}

export interface V2IncidentUpdate {
  id: string;
  status: IncidentStatus | MaintenanceStatus;
  body: string;
  incident_id: string;
  created_at: string;
  updated_at: string;
  display_at: string;
  affected_components: V2AffectedComponent[] | null;
  deliver_notifications: boolean;
  custom_tweet: null;
  tweet_id: null;
}

export interface V2Incident {
  id: string;
  name: string;
  status: IncidentStatus;
  created_at: string;
  updated_at: string;
  monitoring_at: string | null;
  resolved_at: string | null;
  impact: 'none' | 'minor' | 'major' | 'critical';
  shortlink: string;
  started_at: string;
  page_id: string;
  incident_updates: V2IncidentUpdate[];
  components: V2Component[];
}

export interface V2ScheduledMaintenance {
  id: string;
  name: string;
  status: MaintenanceStatus;
  created_at: string;
  updated_at: string;
  monitoring_at: null;
  resolved_at: string | null;
  impact: 'maintenance';
  shortlink: string;
  started_at: string;
  page_id: string;
  incident_updates: V2IncidentUpdate[];
  components: V2Component[];
  scheduled_for: string;
  scheduled_until: string;
}

/** Statuspage lists the 50 most recent incidents and maintenances. */
export const V2_LIST_LIMIT = 50;

export class StatuspageV2 {
  private readonly pageObject: V2Page;
  private readonly components: V2Component[];
  private readonly componentsById: Map<string, V2Component>;

  constructor(
    private readonly model: PublicStatus,
    private readonly page: PageInfo,
  ) {
    // updated_at is the last public change (Statuspage's meaning), so a document that did not change keeps its ETag.
    this.pageObject = { id: page.id, name: page.name, url: page.url, time_zone: page.timeZone, updated_at: lastPublicChangeAt(model) };
    const groupOf = new Map<string, string>();
    for (const group of model.groups) for (const componentId of group.componentIds) groupOf.set(componentId, group.id);
    this.components = [
      ...model.components.map((component) => this.component(component, groupOf.get(component.id) ?? null)),
      ...model.groups.map((group) => this.group(group)),
    ].sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
    this.componentsById = new Map(this.components.map((component) => [component.id, component]));
  }

  summary() {
    return {
      page: this.pageObject,
      components: this.components,
      incidents: this.unresolvedIncidents(),
      scheduled_maintenances: this.model.maintenances
        .filter((maintenance) => maintenance.status !== 'completed')
        .map((maintenance) => this.maintenance(maintenance)),
      status: this.status(),
    };
  }

  statusDocument() {
    return { page: this.pageObject, status: this.status() };
  }

  componentsDocument() {
    return { page: this.pageObject, components: this.components };
  }

  incidentsDocument() {
    return { page: this.pageObject, incidents: this.model.incidents.slice(0, V2_LIST_LIMIT).map((incident) => this.incident(incident)) };
  }

  unresolvedIncidentsDocument() {
    return { page: this.pageObject, incidents: this.unresolvedIncidents() };
  }

  scheduledMaintenancesDocument() {
    const newestFirst = [...this.model.maintenances].sort((a, b) => b.scheduledFor.localeCompare(a.scheduledFor)).slice(0, V2_LIST_LIMIT);
    return { page: this.pageObject, scheduled_maintenances: newestFirst.map((maintenance) => this.maintenance(maintenance)) };
  }

  upcomingMaintenancesDocument() {
    return {
      page: this.pageObject,
      scheduled_maintenances: this.model.maintenances
        .filter((maintenance) => maintenance.status === 'scheduled')
        .map((maintenance) => this.maintenance(maintenance)),
    };
  }

  activeMaintenancesDocument() {
    return {
      page: this.pageObject,
      scheduled_maintenances: this.model.maintenances
        .filter((maintenance) => isMaintenanceActive(maintenance.status))
        .map((maintenance) => this.maintenance(maintenance)),
    };
  }

  private status(): V2Status {
    return { indicator: this.model.overall.indicator, description: this.model.overall.description };
  }

  private unresolvedIncidents(): V2Incident[] {
    return this.model.incidents.filter((incident) => incident.status !== 'resolved').map((incident) => this.incident(incident));
  }

  private component(component: PublicComponent, groupId: string | null): V2Component {
    return {
      id: component.id,
      name: component.name,
      status: component.status,
      created_at: component.createdAt,
      updated_at: component.updatedAt,
      position: component.position,
      description: component.description,
      showcase: true,
      start_date: component.createdAt.slice(0, 10),
      group_id: groupId,
      page_id: this.page.id,
      group: false,
      only_show_if_degraded: component.onlyShowIfDegraded,
    };
  }

  private group(group: PublicGroup): V2Component {
    return {
      id: group.id,
      name: group.name,
      status: group.status,
      created_at: group.createdAt,
      updated_at: group.updatedAt,
      position: group.position,
      description: group.description,
      showcase: false,
      start_date: null,
      group_id: null,
      page_id: this.page.id,
      group: true,
      only_show_if_degraded: false,
      components: [...group.componentIds],
    };
  }

  private incident(incident: PublicIncident): V2Incident {
    return {
      id: incident.id,
      name: incident.name,
      status: incident.status,
      created_at: incident.createdAt,
      updated_at: incident.updatedAt,
      monitoring_at: incident.monitoringAt,
      resolved_at: incident.resolvedAt,
      impact: incident.impact,
      shortlink: `${this.page.url}/incidents/${incident.id}`,
      started_at: incident.startedAt,
      page_id: this.page.id,
      incident_updates: incident.updates.map((update) => ({
        id: update.id,
        status: update.status,
        body: update.body,
        incident_id: incident.id,
        created_at: update.createdAt,
        updated_at: update.createdAt,
        display_at: update.createdAt,
        affected_components: update.affectedComponents
          ? update.affectedComponents.map((change) => ({
              code: change.componentId,
              name: this.componentsById.get(change.componentId)?.name ?? change.componentId,
              old_status: change.oldStatus,
              new_status: change.newStatus,
            }))
          : null,
        deliver_notifications: true,
        custom_tweet: null,
        tweet_id: null,
      })),
      components: incident.components
        .map((component) => this.componentsById.get(component.componentId))
        .filter((component): component is V2Component => Boolean(component)),
    };
  }

  private maintenance(maintenance: PublicMaintenance): V2ScheduledMaintenance {
    return {
      id: maintenance.id,
      name: maintenance.name,
      status: maintenance.status,
      created_at: maintenance.createdAt,
      updated_at: maintenance.updatedAt,
      monitoring_at: null,
      resolved_at: maintenance.completedAt,
      impact: 'maintenance',
      shortlink: `${this.page.url}/maintenances/${maintenance.id}`,
      started_at: maintenance.startedAt ?? maintenance.scheduledFor,
      page_id: this.page.id,
      incident_updates: maintenance.updates.map((update) => ({
        id: update.id,
        status: update.status,
        body: update.body,
        incident_id: maintenance.id,
        created_at: update.createdAt,
        updated_at: update.createdAt,
        display_at: update.createdAt,
        affected_components: null,
        deliver_notifications: true,
        custom_tweet: null,
        tweet_id: null,
      })),
      components: maintenance.componentIds.map((id) => this.componentsById.get(id)).filter((component): component is V2Component => Boolean(component)),
      scheduled_for: maintenance.scheduledFor,
      scheduled_until: maintenance.scheduledUntil,
    };
  }
}
