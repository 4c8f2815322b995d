import { DomainError } from '@app/platform/core';
import type { IncidentStatus } from './incident-enums';

/** The closed list of codes the incident domain throws. */
export type IncidentErrorCode = 'invalid_transition' | 'invalid_clock' | 'invalid_period';

/**
 * Base of every error the incident domain throws: a DomainError (the
 * framework-free base of @app/platform/core) of namespace `incident`. `code` is
 * stable and machine-readable, `kind` is what the one exception filter maps to
 * an HTTP status, `field` names the input at fault when there is one.
 */
export abstract class IncidentDomainError extends DomainError {
  declare readonly code: IncidentErrorCode;
  abstract override readonly kind: 'validation' | 'conflict';

  protected constructor(code: IncidentErrorCode, message: string, field?: string, options?: ErrorOptions) {
    super(code, message, { field, cause: options?.cause, namespace: 'incident' });
  }
}

/** A status change the lifecycle does not allow (see incident-status.ts). */
export class InvalidTransitionError extends IncidentDomainError {
  /** the request is well-formed but conflicts with the incident's current status */
  readonly kind = 'conflict' as const;
  override readonly field = 'status' as const;

  constructor(
    readonly from: IncidentStatus,
    readonly to: IncidentStatus | string,
    reason?: string,
  ) {
    super('invalid_transition', `cannot change status from ${from} to ${to}${reason ? `: ${reason}` : ''}`, 'status');
  }
}

/** A clock point that would break the ordering rules (see incident-clock.ts). */
export class InvalidClockError extends IncidentDomainError {
  readonly kind = 'validation' as const;

  constructor(
    override readonly field: 'startedAt' | 'detectedAt' | 'acknowledgedAt' | 'resolvedAt',
    message: string,
  ) {
    super('invalid_clock', message, field);
  }
}

/** An insights period whose end is not after its start. */
export class InvalidPeriodError extends IncidentDomainError {
  readonly kind = 'validation' as const;

  constructor(message: string) {
    super('invalid_period', message, 'to');
  }
}
