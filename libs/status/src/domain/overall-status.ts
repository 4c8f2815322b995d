import type { ComponentStatus, Severity } from '@app/incidents';

/** Statuspage's page indicator (`status.indicator` of `/api/v2/status.json`). */
export const STATUS_INDICATORS = ['none', 'minor', 'major', 'critical', 'maintenance'] as const;
export type StatusIndicator = (typeof STATUS_INDICATORS)[number];

/** Statuspage's incident impact; scheduled maintenances carry `maintenance`. */
export const INCIDENT_IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
export type IncidentImpact = (typeof INCIDENT_IMPACTS)[number];

/** The sentence Statuspage shows for each indicator. */
export const INDICATOR_DESCRIPTIONS: Readonly<Record<StatusIndicator, string>> = {
  none: 'All Systems Operational',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major Service Outage',
  maintenance: 'Service Under Maintenance',
};

const IMPACT_RANK: Readonly<Record<IncidentImpact, number>> = { none: 0, minor: 1, major: 2, critical: 3 };

/** degraded → minor, partial outage → major, major outage → critical; maintenance and operational → none. */
export function impactOfComponentStatus(status: ComponentStatus): IncidentImpact {
  switch (status) {
    case 'degraded_performance':
      return 'minor';
    case 'partial_outage':
      return 'major';
    case 'major_outage':
      return 'critical';
    default:
      return 'none';
  }
}

const IMPACT_BY_SEVERITY: Readonly<Record<Severity, IncidentImpact>> = { SEV1: 'critical', SEV2: 'major', SEV3: 'minor', SEV4: 'none' };

export function worstImpact(impacts: Iterable<IncidentImpact>): IncidentImpact {
  let worst: IncidentImpact = 'none';
  for (const impact of impacts) if (IMPACT_RANK[impact] > IMPACT_RANK[worst]) worst = impact;
  return worst;
}

/**
 * An incident's public impact, as Statuspage computes it: from the statuses it
 * sets on its affected components. An incident that names no component (yet)
 * falls back to its severity, so a declared SEV1 is never shown as `none`.
 */
export function incidentImpact(incident: { readonly affectedStatuses: readonly ComponentStatus[]; readonly severity: Severity }): IncidentImpact {
  if (incident.affectedStatuses.length === 0) return IMPACT_BY_SEVERITY[incident.severity] ?? 'none';
  return worstImpact(incident.affectedStatuses.map(impactOfComponentStatus));
}

export interface OverallStatusInputs {
  /** Derived status of every component on the page. */
  readonly componentStatuses: Iterable<ComponentStatus>;
  /** Impacts of the unresolved public incidents. */
  readonly unresolvedIncidentImpacts: Iterable<IncidentImpact>;
  /** True while a scheduled maintenance is in progress or verifying. */
  readonly maintenanceInProgress: boolean;
}

export interface OverallStatus {
  readonly indicator: StatusIndicator;
  readonly description: string;
}

/**
 * The page indicator: the worst of the components (degraded → minor, partial
 * outage → major, major outage → critical) and of the unresolved incidents'
 * impacts. `maintenance` only when nothing is worse and a component is under
 * maintenance or a maintenance is in progress.
 */
export function overallStatus(inputs: OverallStatusInputs): OverallStatus {
  const impacts: IncidentImpact[] = [...inputs.unresolvedIncidentImpacts];
  let underMaintenance = inputs.maintenanceInProgress;
  for (const status of inputs.componentStatuses) {
    impacts.push(impactOfComponentStatus(status));
    if (status === 'under_maintenance') underMaintenance = true;
  }
  const worst = worstImpact(impacts);
  const indicator: StatusIndicator = worst === 'none' && underMaintenance ? 'maintenance' : worst;
  return { indicator, description: INDICATOR_DESCRIPTIONS[indicator] };
}
