import { IncidentStatus } from './incident-enums';
import { InvalidClockError } from './incident-errors';
import { planStatusTransition, StatusTransition } from './incident-status';

/**
 * The five clock points of an incident, from which MTTA and MTTR are measured.
 *
 * - startedAt: when impact began. Editable (responders often learn later that it
 *   started earlier), defaults to detectedAt, never after detectedAt.
 * - detectedAt: when Ballast learned of it (declaration, or the alert's start
 *   when an integration says so). Set once at opening, never after that moment.
 * - acknowledgedAt: the first human action on the incident. A human declaring
 *   the incident (Slack, API) acknowledges it in the same act; an incident opened
 *   by automation (SLO burn, Alertmanager) stays unacknowledged until a human
 *   changes its status, assigns a role, changes its severity or posts an update
 *   or note. Never cleared: re-opening does not un-acknowledge.
 * - mitigatedAt: first reaching monitoring (the fix is in, we are watching), or
 *   resolution if monitoring was skipped. Cleared when the incident regresses
 *   below monitoring (the mitigation did not hold) or is re-opened.
 * - resolvedAt: reaching resolved. Cleared on re-open.
 *
 * Ordering invariant: startedAt <= detectedAt <= acknowledgedAt, and
 * startedAt <= mitigatedAt <= resolvedAt. An event time earlier than detectedAt
 * (clock skew between replicas) is clamped to detectedAt so durations are never
 * negative.
 */
export interface IncidentClock {
  readonly startedAt: Date;
  readonly detectedAt: Date;
  readonly acknowledgedAt: Date | null;
  readonly mitigatedAt: Date | null;
  readonly resolvedAt: Date | null;
}

/** Who performed an action: people acknowledge incidents, automation does not. */
export type ClockActor = 'human' | 'automation';

export interface OpenIncidentClockInput {
  readonly now: Date;
  readonly declaredBy: ClockActor;
  /** impact start, when the declarer knows it; defaults to detectedAt */
  readonly startedAt?: Date | null;
  /** e.g. the alert's startsAt; defaults to now */
  readonly detectedAt?: Date | null;
}

/** Clock of a newly opened incident (status investigating). */
export function openIncidentClock(input: OpenIncidentClockInput): IncidentClock {
  const detectedAt = input.detectedAt ?? input.now;
  if (detectedAt.getTime() > input.now.getTime()) {
    throw new InvalidClockError('detectedAt', 'detectedAt cannot be in the future');
  }
  const startedAt = input.startedAt ?? detectedAt;
  assertStartedNotAfterDetected(startedAt, detectedAt);
  return {
    startedAt,
    detectedAt,
    acknowledgedAt: input.declaredBy === 'human' ? input.now : null,
    mitigatedAt: null,
    resolvedAt: null,
  };
}

/** Something that happened to an incident and may move its clock. */
export type ClockEvent =
  | {
      readonly kind: 'status_changed';
      readonly from: IncidentStatus;
      readonly to: IncidentStatus;
      readonly at: Date;
      readonly actor: ClockActor;
    }
  | { readonly kind: 'role_assigned'; readonly at: Date; readonly actor: ClockActor }
  | { readonly kind: 'severity_changed'; readonly at: Date; readonly actor: ClockActor }
  | { readonly kind: 'update_posted'; readonly at: Date; readonly actor: ClockActor }
  /** a person acknowledged it explicitly (page button, `/incident ack`) */
  | { readonly kind: 'acknowledged'; readonly at: Date; readonly actor: ClockActor }
  | { readonly kind: 'started_at_edited'; readonly startedAt: Date };

/**
 * Applies one event to the clock and returns the new clock (the input is not
 * modified). Status changes are validated by the lifecycle and throw
 * InvalidTransitionError when not allowed; a startedAt after detectedAt throws
 * InvalidClockError.
 */
export function applyClockEvent(clock: IncidentClock, event: ClockEvent): IncidentClock {
  switch (event.kind) {
    case 'started_at_edited':
      assertStartedNotAfterDetected(event.startedAt, clock.detectedAt);
      return { ...clock, startedAt: event.startedAt };
    case 'role_assigned':
    case 'severity_changed':
    case 'update_posted':
    case 'acknowledged':
      return acknowledge(clock, event.at, event.actor);
    case 'status_changed':
      return applyTransition(clock, planStatusTransition(event.from, event.to), event.at, event.actor);
  }
}

export interface StatusChangeResult {
  readonly status: IncidentStatus;
  readonly clock: IncidentClock;
  readonly transition: StatusTransition;
}

/** Convenience for services: validates the move and returns the new status and clock together. */
export function changeIncidentStatus(
  current: { readonly status: IncidentStatus; readonly clock: IncidentClock },
  to: IncidentStatus,
  at: Date,
  actor: ClockActor,
): StatusChangeResult {
  const transition = planStatusTransition(current.status, to);
  return { status: transition.to, clock: applyTransition(current.clock, transition, at, actor), transition };
}

function applyTransition(clock: IncidentClock, transition: StatusTransition, at: Date, actor: ClockActor): IncidentClock {
  if (transition.kind === 'noop') return clock;
  const when = notBefore(at, clock.detectedAt);
  const acknowledged = acknowledge(clock, when, actor);
  switch (transition.kind) {
    case 'reopen':
      return { ...acknowledged, mitigatedAt: null, resolvedAt: null };
    case 'regress':
      // Only monitoring carries a mitigation; dropping below it means it did not hold.
      return { ...acknowledged, mitigatedAt: null };
    case 'advance':
      if (transition.to === 'identified') return acknowledged;
      return {
        ...acknowledged,
        mitigatedAt: acknowledged.mitigatedAt ?? when,
        resolvedAt: transition.to === 'resolved' ? when : acknowledged.resolvedAt,
      };
  }
}

function acknowledge(clock: IncidentClock, at: Date, actor: ClockActor): IncidentClock {
  if (actor !== 'human' || clock.acknowledgedAt !== null) return clock;
  return { ...clock, acknowledgedAt: notBefore(at, clock.detectedAt) };
}

function notBefore(at: Date, floor: Date): Date {
  return at.getTime() < floor.getTime() ? floor : at;
}

function assertStartedNotAfterDetected(startedAt: Date, detectedAt: Date): void {
  if (Number.isNaN(startedAt.getTime())) {
    throw new InvalidClockError('startedAt', 'startedAt is not a valid date');
  }
  if (startedAt.getTime() > detectedAt.getTime()) {
    throw new InvalidClockError('startedAt', `startedAt (${startedAt.toISOString()}) cannot be after detectedAt (${detectedAt.toISOString()})`);
  }
}

/** MTTA contribution: detectedAt → acknowledgedAt in seconds, null while unacknowledged. */
export function timeToAcknowledgeSeconds(clock: IncidentClock): number | null {
  return secondsBetween(clock.detectedAt, clock.acknowledgedAt);
}

/** startedAt → mitigatedAt in seconds, null while unmitigated. */
export function timeToMitigateSeconds(clock: IncidentClock): number | null {
  return secondsBetween(clock.startedAt, clock.mitigatedAt);
}

/** MTTR contribution: startedAt → resolvedAt in seconds, null while open. */
export function timeToResolveSeconds(clock: IncidentClock): number | null {
  return secondsBetween(clock.startedAt, clock.resolvedAt);
}

function secondsBetween(from: Date, to: Date | null): number | null {
  if (to === null) return null;
  return Math.max(0, (to.getTime() - from.getTime()) / 1000);
}
