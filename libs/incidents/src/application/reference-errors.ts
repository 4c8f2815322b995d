import { canActOnTeam, Principal } from '@app/catalog';
import { DomainError, ValidationFailedError } from '@app/platform';
import type { IncidentEntity } from '../persistence/incident.entity';

/** A request names (by id) something of another team: 403 naming the field, nothing written. */
export class ForbiddenReferenceError extends DomainError {
  readonly kind = 'forbidden' as const;
  constructor(field: string, message: string) {
    super('forbidden_reference', message, { field, namespace: 'incident' });
  }
}

/**
 * `duplicateOf` names no incident the caller may see. Another team's private
 * incident gets exactly this answer too, so its existence does not leak.
 */
export function unknownDuplicateTargetError(reference: string): ValidationFailedError {
  return new ValidationFailedError(`duplicateOf '${reference}' is not an existing incident`, { field: 'duplicateOf', code: 'unknown_incident' });
}

/** A reference field (e.g. `fixesIncidentId`) names no incident the caller may see: unknown, or another team's private one. */
export function unknownIncidentReferenceError(field: string, reference: string): ValidationFailedError {
  return new ValidationFailedError(`incident '${reference}' does not exist`, { field, code: 'unknown_incident' });
}

/** A reference field (e.g. `causedByDeploymentId`) names no deployment the caller may see: unknown, or another team's. */
export function unknownDeploymentReferenceError(field: string, id: string): ValidationFailedError {
  return new ValidationFailedError(`deployment '${id}' does not exist`, { field, code: 'unknown_deployment' });
}

/**
 * The one rule for an incident named in a reference field (`duplicateOf`,
 * `fixesIncidentId`): the caller's own team's (or an admin) passes; another
 * team's private incident does not exist for this token (`unknown`, the answer
 * of a missing one); another team's internal or public one → 403 naming the field.
 */
export function assertMayReferenceIncident(
  principal: Principal,
  incident: IncidentEntity,
  reference: string,
  field: string,
  unknown: () => ValidationFailedError,
): void {
  if (canActOnTeam(principal, incident.teamId)) return;
  if (incident.visibility === 'private') throw unknown();
  throw new ForbiddenReferenceError(field, `incident '${reference}' belongs to another team`);
}
