import { DomainError } from '@app/platform';

/** A request names (by id) something of another team: 403 naming the field, nothing written. */
export class ForbiddenReferenceError extends DomainError {
  readonly kind = 'forbidden' as const;
  constructor(field: string, message: string) {
    super('forbidden_reference', message, { field, namespace: 'incident' });
  }
}
