import type { IncidentStatus } from './incident-enums';

/**
 * Base of every error the incident domain throws. `code` is stable and
 * machine-readable, `kind` is what the platform exception filter maps to an
 * HTTP status (it recognises errors by shape, so the domain imports nothing),
 * `field` names the input at fault when there is one.
 */
export abstract class IncidentDomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: 'validation' | 'conflict';
  readonly field?: string;

  protected constructor(message: string, field?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.field = field;
  }
}

/** A status change the lifecycle does not allow (see incident-status.ts). */
export class InvalidTransitionError extends IncidentDomainError {
  readonly code = 'invalid_transition' as const;
  /** the request is well-formed but conflicts with the incident's current status */
  readonly kind = 'conflict' as const;
  override readonly field = 'status' as const;

  constructor(
    readonly from: IncidentStatus,
    readonly to: IncidentStatus | string,
    reason?: string,
  ) {
    super(`cannot change status from ${from} to ${to}${reason ? `: ${reason}` : ''}`);
  }
}

/** A clock point that would break the ordering rules (see incident-clock.ts). */
export class InvalidClockError extends IncidentDomainError {
  readonly code = 'invalid_clock' as const;
  readonly kind = 'validation' as const;

  constructor(
    override readonly field: 'startedAt' | 'detectedAt' | 'acknowledgedAt' | 'resolvedAt',
    message: string,
  ) {
    super(message, field);
  }
}

/** An insights period whose end is not after its start. */
export class InvalidPeriodError extends IncidentDomainError {
  readonly code = 'invalid_period' as const;
  readonly kind = 'validation' as const;

  constructor(message: string) {
    super(message, 'to');
  }
}
