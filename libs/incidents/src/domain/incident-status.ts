import { INCIDENT_STATUSES, IncidentStatus, isIncidentStatus } from './incident-enums';
import { InvalidTransitionError } from './incident-errors';

/**
 * The incident lifecycle: investigating → identified → monitoring → resolved.
 *
 * What the peers do, and what Ballast therefore allows:
 * - advance: any forward move, skipping steps included. Statuspage, incident.io
 *   and PagerDuty all let a responder resolve straight from "investigating"
 *   (a false alarm, a blip that recovered by itself); forcing people through
 *   every step at 3 a.m. only produces fake timeline entries.
 * - regress: monitoring → identified|investigating and identified → investigating.
 *   "The fix did not hold" is an everyday event; Statuspage and incident.io allow
 *   it, and refusing it would push responders into resolve-then-reopen, which
 *   fabricates a resolution time.
 * - reopen: resolved → investigating only. A re-opened incident is back to "we
 *   do not know what is going on"; it must be re-triaged before it can claim
 *   identified/monitoring again.
 * - noop: the same status again (a retried request, a double click) changes nothing.
 * Everything else (resolved → identified|monitoring, unknown statuses) throws
 * InvalidTransitionError.
 */
export type StatusTransitionKind = 'noop' | 'advance' | 'regress' | 'reopen';

export interface StatusTransition {
  readonly from: IncidentStatus;
  readonly to: IncidentStatus;
  readonly kind: StatusTransitionKind;
}

const rank = (status: IncidentStatus): number => INCIDENT_STATUSES.indexOf(status);

/** Classifies a status change, or throws InvalidTransitionError when it is not allowed. */
export function planStatusTransition(from: IncidentStatus, to: IncidentStatus | string): StatusTransition {
  if (!isIncidentStatus(to)) {
    throw new InvalidTransitionError(from, to, `unknown status, expected one of ${INCIDENT_STATUSES.join(', ')}`);
  }
  if (from === to) return { from, to, kind: 'noop' };
  if (from === 'resolved') {
    if (to === 'investigating') return { from, to, kind: 'reopen' };
    throw new InvalidTransitionError(from, to, 'a resolved incident can only be re-opened to investigating');
  }
  return { from, to, kind: rank(to) > rank(from) ? 'advance' : 'regress' };
}

/** True when planStatusTransition would not throw. */
export function canTransition(from: IncidentStatus, to: IncidentStatus): boolean {
  try {
    planStatusTransition(from, to);
    return true;
  } catch (error) {
    if (error instanceof InvalidTransitionError) return false;
    throw error;
  }
}

/** Statuses reachable from `from` by a real change (noop excluded), in lifecycle order. */
export function allowedNextStatuses(from: IncidentStatus): IncidentStatus[] {
  return INCIDENT_STATUSES.filter((to) => to !== from && canTransition(from, to));
}
