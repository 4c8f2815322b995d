import { type ComponentStatus, compareComponentStatus, worstComponentStatus } from '@app/incidents/core';

/**
 * How one SLO stands, as the SLO engine reports it (same names as
 * `GET /api/v1/slos/:id/status`): `critical` = a page tier burns, `warning` = a
 * ticket tier burns; `no_data`, `stale` and `error` mean "we do not know".
 */
export const SLO_HEALTH_STATES = ['ok', 'warning', 'critical', 'no_data', 'stale', 'error'] as const;
export type SloHealthState = (typeof SLO_HEALTH_STATES)[number];

export function isSloHealthState(value: unknown): value is SloHealthState {
  return typeof value === 'string' && (SLO_HEALTH_STATES as readonly string[]).includes(value);
}

/**
 * The component status an SLO state implies.
 *
 * A burning page tier means users see errors right now at a rate that exhausts
 * the budget within hours: that is a `partial_outage`, not a `major_outage`.
 * An SLO measures a ratio of bad events, so on its own it cannot tell "some
 * requests fail" from "nothing works"; calling a total outage is left to a
 * person, through an incident or the manual override. A ticket tier is a slow
 * burn: `degraded_performance`. Not knowing (`no_data`, `stale`, `error`) never
 * moves a component: a Prometheus outage is not a customer outage.
 */
export function componentStatusForSloState(state: SloHealthState | null): ComponentStatus {
  switch (state) {
    case 'critical':
      return 'partial_outage';
    case 'warning':
      return 'degraded_performance';
    default:
      return 'operational';
  }
}

/** Why a component shows the status it shows; only non-operational contributions are listed. */
export type StatusReason =
  | { readonly source: 'manual'; readonly status: ComponentStatus }
  | { readonly source: 'incident'; readonly status: ComponentStatus; readonly incidentId: string; readonly incidentTitle: string }
  | { readonly source: 'maintenance'; readonly status: 'under_maintenance'; readonly maintenanceId: string; readonly maintenanceName: string }
  | { readonly source: 'slo'; readonly status: ComponentStatus; readonly sloId: string; readonly sloState: SloHealthState };

export interface ComponentStatusInputs {
  /** Set by an admin; `null` = no override. An override can only make things worse, never hide an incident. */
  readonly manualStatus: ComponentStatus | null;
  /** Affected-component statuses set by unresolved public incidents. */
  readonly incidents: ReadonlyArray<{ readonly incidentId: string; readonly title: string; readonly status: ComponentStatus }>;
  /** Maintenances in progress (or verifying) that include the component. */
  readonly maintenances: ReadonlyArray<{ readonly maintenanceId: string; readonly name: string }>;
  /** Linked SLOs and their last known state (`null` = never evaluated). */
  readonly slos: ReadonlyArray<{ readonly sloId: string; readonly state: SloHealthState | null }>;
}

export interface DerivedComponentStatus {
  readonly status: ComponentStatus;
  /** Every contribution that is not `operational`, worst first; empty when operational. */
  readonly reasons: readonly StatusReason[];
}

const SOURCE_ORDER: Record<StatusReason['source'], number> = { manual: 0, incident: 1, maintenance: 2, slo: 3 };

/**
 * The status a component shows: the worst of the manual override, the
 * unresolved public incidents affecting it, an active maintenance
 * (`under_maintenance`) and its linked SLOs — with the reasons, so an admin can
 * see why. Ranking is Statuspage's: maintenance is better than any unplanned
 * degradation, so a component in maintenance whose incident is a partial
 * outage shows the outage.
 */
export function deriveComponentStatus(inputs: ComponentStatusInputs): DerivedComponentStatus {
  const reasons: StatusReason[] = [];
  if (inputs.manualStatus && inputs.manualStatus !== 'operational') reasons.push({ source: 'manual', status: inputs.manualStatus });
  for (const incident of inputs.incidents) {
    if (incident.status !== 'operational')
      reasons.push({ source: 'incident', status: incident.status, incidentId: incident.incidentId, incidentTitle: incident.title });
  }
  for (const maintenance of inputs.maintenances) {
    reasons.push({ source: 'maintenance', status: 'under_maintenance', maintenanceId: maintenance.maintenanceId, maintenanceName: maintenance.name });
  }
  for (const slo of inputs.slos) {
    const status = componentStatusForSloState(slo.state);
    if (status !== 'operational' && slo.state) reasons.push({ source: 'slo', status, sloId: slo.sloId, sloState: slo.state });
  }
  reasons.sort((a, b) => compareComponentStatus(b.status, a.status) || SOURCE_ORDER[a.source] - SOURCE_ORDER[b.source]);
  return { status: worstComponentStatus(reasons.map((reason) => reason.status)), reasons };
}

/** A group shows the worst status of its components (Statuspage's rule); `operational` when empty. */
export function groupStatus(componentStatuses: Iterable<ComponentStatus>): ComponentStatus {
  return worstComponentStatus(componentStatuses);
}

/** Human label: `partial_outage` → `Partial outage`. */
export function componentStatusLabel(status: ComponentStatus): string {
  const label = status.replace(/_/g, ' ');
  return label.charAt(0).toUpperCase() + label.slice(1);
}
