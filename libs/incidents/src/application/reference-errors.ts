import { DomainError, ValidationFailedError } from '@app/platform';

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
