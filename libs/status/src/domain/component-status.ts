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
 * Which burning tier of an SLO moves its components (the SLO policy's
 * `componentStatusOn`): `page` (the default) = only a burning page tier;
 * `ticket` = a burning ticket tier too (and a page tier, which is worse).
 */
export const COMPONENT_STATUS_TIERS = ['page', 'ticket'] as const;
export type ComponentStatusTier = (typeof COMPONENT_STATUS_TIERS)[number];

export function isComponentStatusTier(value: unknown): value is ComponentStatusTier {
  return typeof value === 'string' && (COMPONENT_STATUS_TIERS as readonly string[]).includes(value);
}

/**
 * The component status an SLO state implies, given the tier that may move it.
 *
 * A burning page tier means users see errors right now at a rate that exhausts
 * the budget within hours: that is a `partial_outage`, not a `major_outage`.
 * An SLO measures a ratio of bad events, so on its own it cannot tell "some
 * requests fail" from "nothing works"; calling a total outage is left to a
 * person, through an incident or the manual override. A ticket tier is a slow
 * burn: `degraded_performance`. Not knowing (`no_data`, `stale`, `error`) never
 * moves a component: a Prometheus outage is not a customer outage.
 */
export function componentStatusForSloState(state: SloHealthState | null, statusOn: ComponentStatusTier = 'page'): ComponentStatus {
  switch (state) {
    case 'critical':
      return 'partial_outage';
    case 'warning':
      // A slow burn (3d/6h) can stay active for hours after every incident is resolved: only when asked for.
      return statusOn === 'ticket' ? 'degraded_performance' : 'operational';
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
  /**
   * Set by a person; `null` = no override (or an override past its
   * `manualStatusUntil`: the caller passes only one still in force). It wins
   * over what the SLOs imply, both ways (`operational` silences a burning
   * SLO); incidents and maintenance still count.
   */
  readonly manualStatus: ComponentStatus | null;
  /** Affected-component statuses set by unresolved public incidents. */
  readonly incidents: ReadonlyArray<{ readonly incidentId: string; readonly title: string; readonly status: ComponentStatus }>;
  /** Maintenances in progress (or verifying) that include the component. */
  readonly maintenances: ReadonlyArray<{ readonly maintenanceId: string; readonly name: string }>;
  /** Linked SLOs, their last known state (`null` = never evaluated) and the tier that moves the component (default `page`). */
  readonly slos: ReadonlyArray<{ readonly sloId: string; readonly state: SloHealthState | null; readonly statusOn?: ComponentStatusTier }>;
}

export interface DerivedComponentStatus {
  readonly status: ComponentStatus;
  /** Every contribution that is not `operational`, worst first; empty when operational. */
  readonly reasons: readonly StatusReason[];
  /** SLO contributions the manual status overrides (shown to admins, not counted); absent when none. */
  readonly overridden?: readonly StatusReason[];
}

const SOURCE_ORDER: Record<StatusReason['source'], number> = { manual: 0, incident: 1, maintenance: 2, slo: 3 };

/**
 * The status a component shows: the worst of the unresolved public incidents
 * affecting it, an active maintenance (`under_maintenance`) and either the
 * manual status, when a person set one, or else its linked SLOs — with the
 * reasons, so an admin can see why (and which SLO burns the person's word
 * overrides). Ranking is Statuspage's: maintenance is better than any unplanned
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
  const sloReasons: StatusReason[] = [];
  for (const slo of inputs.slos) {
    const status = componentStatusForSloState(slo.state, slo.statusOn ?? 'page');
    if (status !== 'operational' && slo.state) sloReasons.push({ source: 'slo', status, sloId: slo.sloId, sloState: slo.state });
  }
  const byWorst = (a: StatusReason, b: StatusReason) => compareComponentStatus(b.status, a.status) || SOURCE_ORDER[a.source] - SOURCE_ORDER[b.source];
  if (inputs.manualStatus !== null) {
    // A person's word wins over the SLOs (both ways); they are still listed, as overridden.
    reasons.sort(byWorst);
    const status = worstComponentStatus(reasons.map((reason) => reason.status));
    return sloReasons.length > 0 ? { status, reasons, overridden: sloReasons.sort(byWorst) } : { status, reasons };
  }
  reasons.push(...sloReasons);
  reasons.sort(byWorst);
  return { status: worstComponentStatus(reasons.map((reason) => reason.status)), reasons };
}

/** The manual status in force at `now`: none once `manualStatusUntil` has passed. */
export function manualStatusInForce(manualStatus: ComponentStatus | null, manualStatusUntil: Date | null, now: Date): ComponentStatus | null {
  if (manualStatus === null) return null;
  return manualStatusUntil !== null && manualStatusUntil.getTime() <= now.getTime() ? null : manualStatus;
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
