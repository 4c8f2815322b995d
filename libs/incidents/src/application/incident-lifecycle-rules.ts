import { AcknowledgedVia, nextAcknowledgement, openingAcknowledgedVia } from '../domain/acknowledgement';
import { ClockActor, IncidentClock, openIncidentClock } from '../domain/incident-clock';
import { applyRealTimes } from '../domain/incident-real-times';
import { PersonRef, TimelineAuthor, TimelineEventKind, TimelinePayloads } from '../domain/timeline-event';
import { IncidentEntity } from '../persistence/incident.entity';
import { authorLabel } from './author';
import type { DeclareIncidentInput } from './incident-inputs';
import type { NewTimelineEvent } from './incidents.repository';

// Pure rules of the incident lifecycle between the entity and the domain: clocks, acknowledgement, timeline rows.

export function actorOf(author: TimelineAuthor): ClockActor {
  return author.kind === 'system' ? 'automation' : 'human';
}

export function clockOf(incident: IncidentEntity): IncidentClock {
  return {
    startedAt: incident.startedAt,
    detectedAt: incident.detectedAt,
    acknowledgedAt: incident.acknowledgedAt,
    mitigatedAt: incident.mitigatedAt,
    resolvedAt: incident.resolvedAt,
  };
}

export function applyClock(
  incident: IncidentEntity,
  clock: IncidentClock,
  how: { via: AcknowledgedVia; by: string | null; explicit?: boolean } = { via: 'person', by: null },
): void {
  Object.assign(incident, nextAcknowledgement(incident, clock.acknowledgedAt, how));
  incident.startedAt = clock.startedAt;
  incident.detectedAt = clock.detectedAt;
  incident.acknowledgedAt = clock.acknowledgedAt;
  incident.mitigatedAt = clock.mitigatedAt;
  incident.resolvedAt = clock.resolvedAt;
}

/** The clock of a new incident: the usual opening rules, then its initial status and any real times given. */
/** How a new incident's acknowledgedAt came about: its declarer, a given real time, or imported history. */
export function openingAcknowledgement(
  input: Pick<DeclareIncidentInput, 'announce' | 'acknowledgedAt'>,
  acknowledgedAt: Date | null,
  by: string,
): { acknowledgedVia: AcknowledgedVia | null; acknowledgedBy: string | null } {
  if (acknowledgedAt === null) return { acknowledgedVia: null, acknowledgedBy: null };
  const via = openingAcknowledgedVia({ announce: input.announce !== false, acknowledgedAtGiven: input.acknowledgedAt != null });
  return { acknowledgedVia: via, acknowledgedBy: via === 'import' ? null : by };
}

export function initialClock(input: DeclareIncidentInput, actor: ClockActor, now: Date): IncidentClock {
  let clock = openIncidentClock({ now, declaredBy: actor, startedAt: input.startedAt ?? null, detectedAt: input.detectedAt ?? null });
  // Imported history: nobody acknowledged it now; only a given acknowledgedAt counts.
  if (input.announce === false) clock = { ...clock, acknowledgedAt: null };
  const status = input.status ?? 'investigating';
  if (status === 'monitoring') clock = { ...clock, mitigatedAt: now };
  if (status === 'resolved') clock = { ...clock, mitigatedAt: now, resolvedAt: now };
  return applyRealTimes(clock, status, { acknowledgedAt: input.acknowledgedAt ?? undefined, resolvedAt: input.resolvedAt ?? undefined }, now);
}

export function personRef(value: string): PersonRef {
  return /^[UW][A-Z0-9]{2,}$/.test(value) ? { slackUserId: value } : { name: value };
}

/** The timeline row of an event on this incident, written by `author` at `occurredAt`. */
export function timelineRow<K extends TimelineEventKind>(
  incident: IncidentEntity,
  kind: K,
  author: TimelineAuthor,
  occurredAt: Date,
  payload: TimelinePayloads[K],
  options: { body?: string; sourceRef?: string | null; public?: boolean } = {},
): NewTimelineEvent {
  return {
    incidentId: incident.id,
    kind,
    author: authorLabel(author),
    body: options.body ?? '',
    public: options.public ?? kind === 'public_update',
    statusAtEvent: incident.status,
    data: { ...(payload as object), author },
    sourceRef: options.sourceRef ?? null,
    occurredAt,
  };
}
