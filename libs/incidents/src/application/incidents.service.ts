import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Clock, ConflictError, isUniqueViolation } from '@app/platform';
import { applyClockEvent, changeIncidentStatus, IncidentClock } from '../domain/incident-clock';
import type { IncidentStatus } from '../domain/incident-enums';
import { firstPublicUpdateBody } from '../domain/first-public-update';
import { applyRealTimes } from '../domain/incident-real-times';
import { formatIncidentReference } from '../domain/incident-reference';
import { describeRealTimeEdits, realTimeEdits } from '../domain/real-time-edits';
import { TimelineAuthor, TimelineEventKind, TimelinePayloads } from '../domain/timeline-event';
import { IncidentTimelineEventEntity } from '../persistence/incident-timeline-event.entity';
import { IncidentEntity } from '../persistence/incident.entity';
import { authorLabel } from './author';
import { INCIDENT_CHANGED, INCIDENT_DECLARED, IncidentChangedEvent, IncidentDeclaredEvent } from './incident-events';
import type { DeclareIncidentInput, DeclareIncidentResult, PostUpdateInput, RecordEventOptions, UpdateIncidentInput } from './incident-inputs';
import { actorOf, applyClock, clockOf, initialClock, openingAcknowledgement, personRef, timelineRow } from './incident-lifecycle-rules';
import { IncidentQueriesService } from './incident-queries.service';
import { IncidentReferences } from './incident-references';
import { IncidentsRepository, IncidentWrites } from './incidents.repository';

/**
 * The incident lifecycle: declare, update (status, severity, roles, real
 * times, duplicates), post updates, acknowledge, record events. Every change is
 * one transaction of IncidentsRepository that locks the incident row, applies
 * the pure state machine and clock rules, and appends the timeline; listeners
 * hear about it after commit. Reads are IncidentQueriesService's, incident
 * types IncidentTypesService's.
 */
@Injectable()
export class IncidentsService {
  private readonly logger = new Logger(IncidentsService.name);

  constructor(
    private readonly repository: IncidentsRepository,
    private readonly queries: IncidentQueriesService,
    private readonly references: IncidentReferences,
    private readonly clock: Clock,
    private readonly events: EventEmitter2,
  ) {}

  async declareIncident(input: DeclareIncidentInput, author: TimelineAuthor): Promise<DeclareIncidentResult> {
    if (input.principal)
      await this.references.assertOwnsReferences(input.principal, { team: input.team, services: input.services, affectedComponents: input.affectedComponents });
    const existing = await this.findByKeys(input.idempotencyKey, input.dedupKey);
    if (existing) return { incident: existing, created: false };

    const team = await this.references.resolveTeam(input.team);
    const services = await this.references.resolveServices(input.services ?? []);
    await this.references.assertTypeExists(input.type, team.id);
    const affected = await this.references.resolveComponents(input.affectedComponents ?? []);
    const now = this.clock.now();
    const clock = initialClock(input, actorOf(author), now);

    let incidentId: string;
    try {
      incidentId = await this.repository.transaction(async (tx) => {
        const saved = await tx.insertIncident({
          title: input.title,
          summary: input.summary ?? '',
          severity: input.severity,
          status: input.status ?? 'investigating',
          type: input.type,
          teamId: team.id,
          visibility: input.visibility ?? 'internal',
          commander: input.commander ?? null,
          declaredBy: authorLabel(author),
          source: input.source,
          dedupKey: input.dedupKey ?? null,
          idempotencyKey: input.idempotencyKey ?? null,
          lastUpdateAt: now,
          announce: input.announce ?? true,
          causedByDeploymentId: input.causedByDeploymentId ?? null,
          ...clock,
          ...openingAcknowledgement(input, clock.acknowledgedAt, authorLabel(author)),
        });
        await tx.linkServices(
          saved.id,
          services.map((service) => service.id),
        );
        if (affected.length > 0) await tx.replaceAffectedComponents(saved.id, affected);
        await this.appendEvent(tx, saved, 'declared', author, now, {
          title: saved.title,
          severity: saved.severity,
          visibility: saved.visibility,
          source: saved.source,
          type: saved.type,
          team: team.slug,
          summary: saved.summary || null,
        });
        if (affected.length > 0) {
          await this.appendEvent(tx, saved, 'components_changed', author, now, {
            changes: affected.map((component) => ({ componentId: component.componentId, from: null, to: component.status })),
          });
        }
        // Every public incident says something: its summary is its first public update (from the API, chat or an SLO alike).
        if (saved.visibility === 'public') await this.publishSummary(tx, saved, author, now);
        return saved.id;
      });
    } catch (error) {
      // A concurrent twin won the race on a unique key: answer with it.
      if (isUniqueViolation(error)) {
        const winner = await this.findByKeys(input.idempotencyKey, input.dedupKey);
        if (winner) return { incident: winner, created: false };
      }
      throw error;
    }
    const incident = await this.queries.getIncidentById(incidentId);
    this.emit<IncidentDeclaredEvent>(INCIDENT_DECLARED, { incident, announce: incident.announce });
    return { incident, created: true };
  }

  async updateIncident(id: string, changes: UpdateIncidentInput, author: TimelineAuthor): Promise<IncidentEntity> {
    if (changes.principal) await this.references.assertOwnsReferences(changes.principal, { affectedComponents: changes.affectedComponents });
    const affected = changes.affectedComponents ? await this.references.resolveComponents(changes.affectedComponents) : undefined;
    const kinds: TimelineEventKind[] = [];
    // Title, summary and type have no timeline event of their own, but they are shown (chat headline, status page): still a change.
    let describedChanged = false;
    await this.reopenGuarded(id, null, () =>
      this.repository.transaction(async (tx) => {
        const incident = await tx.lock(id);
        const now = this.clock.now();
        const actor = actorOf(author);
        let clock = clockOf(incident);

        if (changes.type !== undefined && changes.type !== incident.type) {
          await this.references.assertTypeExists(changes.type, incident.teamId);
          incident.type = changes.type;
          describedChanged = true;
        }
        if (changes.title !== undefined && changes.title !== incident.title) {
          incident.title = changes.title;
          describedChanged = true;
        }
        if (changes.summary !== undefined && changes.summary !== incident.summary) {
          incident.summary = changes.summary;
          describedChanged = true;
        }
        if (changes.startedAt !== undefined && changes.startedAt.getTime() !== incident.startedAt.getTime()) {
          const from = incident.startedAt.toISOString();
          clock = applyClockEvent(clock, { kind: 'started_at_edited', startedAt: changes.startedAt });
          kinds.push(await this.appendEvent(tx, incident, 'started_at_changed', author, now, { from, to: changes.startedAt.toISOString() }));
        }
        if (changes.severity !== undefined && changes.severity !== incident.severity) {
          const from = incident.severity;
          incident.severity = changes.severity;
          clock = applyClockEvent(clock, { kind: 'severity_changed', at: now, actor });
          kinds.push(await this.appendEvent(tx, incident, 'severity_changed', author, now, { from, to: changes.severity }));
        }
        if (changes.commander !== undefined && changes.commander !== incident.commander) {
          const from = incident.commander;
          incident.commander = changes.commander;
          clock = applyClockEvent(clock, { kind: 'role_assigned', at: now, actor });
          kinds.push(
            await this.appendEvent(tx, incident, 'role_changed', author, now, {
              role: 'commander',
              from: from ? personRef(from) : null,
              to: changes.commander ? personRef(changes.commander) : null,
            }),
          );
        }
        if (changes.visibility !== undefined && changes.visibility !== incident.visibility) {
          const from = incident.visibility;
          incident.visibility = changes.visibility;
          kinds.push(await this.appendEvent(tx, incident, 'visibility_changed', author, now, { from, to: changes.visibility }));
          // Made public without a public update yet: its summary becomes the first one, as at declaration.
          if (changes.visibility === 'public' && !(await tx.hasPublicUpdate(incident.id))) {
            await this.publishSummary(tx, incident, author, now);
            kinds.push('public_update');
          }
        }
        if (affected) {
          const previous = new Map(incident.affectedComponents.map((component) => [component.componentId, component.status]));
          const changed = affected.filter((component) => previous.get(component.componentId) !== component.status);
          const removed = [...previous.keys()].filter((componentId) => !affected.some((component) => component.componentId === componentId));
          if (changed.length > 0 || removed.length > 0) {
            await tx.replaceAffectedComponents(incident.id, affected);
            kinds.push(
              await this.appendEvent(tx, incident, 'components_changed', author, now, {
                changes: [
                  ...changed.map((component) => ({
                    componentId: component.componentId,
                    from: previous.get(component.componentId) ?? null,
                    to: component.status,
                  })),
                  ...removed.map((componentId) => ({ componentId, from: previous.get(componentId) ?? null, to: 'operational' as const })),
                ],
              }),
            );
          }
        }
        if (changes.duplicateOf !== undefined) {
          const original =
            changes.duplicateOf === null ? null : await this.references.resolveDuplicateTarget(tx, incident, changes.duplicateOf, changes.principal);
          if ((original?.id ?? null) !== incident.duplicateOfId) {
            incident.duplicateOfId = original?.id ?? null;
            describedChanged = true;
            if (original) {
              const reference = `INC-${original.number}`;
              const note = `Resolved as a duplicate of ${reference}`;
              kinds.push((await this.insertEvent(tx, incident, 'internal_note', author, now, { body: note }, { body: note })).kind as TimelineEventKind);
              await this.insertEvent(
                tx,
                original,
                'internal_note',
                author,
                now,
                { body: `INC-${incident.number} was resolved as a duplicate of this incident` },
                { body: `INC-${incident.number} was resolved as a duplicate of this incident` },
              );
              if (incident.status !== 'resolved' && changes.status === undefined) {
                kinds.push(await this.applyStatusChange(tx, incident, 'resolved', author, now, clock, (next) => (clock = next)));
              }
            }
          }
        }
        if (changes.status !== undefined && changes.status !== incident.status) {
          kinds.push(await this.applyStatusChange(tx, incident, changes.status, author, now, clock, (next) => (clock = next)));
        }
        if (changes.detectedAt !== undefined || changes.acknowledgedAt !== undefined || changes.resolvedAt !== undefined) {
          clock = applyRealTimes(
            clock,
            incident.status,
            { detectedAt: changes.detectedAt, acknowledgedAt: changes.acknowledgedAt, resolvedAt: changes.resolvedAt },
            now,
          );
          describedChanged = true;
          const edits = realTimeEdits(incident, clock, changes);
          const body = describeRealTimeEdits(edits);
          if (edits.length > 0)
            kinds.push((await this.insertEvent(tx, incident, 'times_changed', author, now, { changes: edits }, { body })).kind as TimelineEventKind);
        }
        if (changes.causedByDeploymentId !== undefined && changes.causedByDeploymentId !== incident.causedByDeploymentId) {
          incident.causedByDeploymentId = changes.causedByDeploymentId;
          describedChanged = true;
        }
        applyClock(incident, clock, { via: 'person', by: authorLabel(author), explicit: changes.acknowledgedAt !== undefined });
        if (kinds.some((kind) => kind === 'status_changed' || kind === 'severity_changed')) incident.lastUpdateAt = now;
        await tx.save(incident);
      }),
    );
    const incident = await this.queries.getIncidentById(id);
    if (kinds.length > 0 || describedChanged) this.emit<IncidentChangedEvent>(INCIDENT_CHANGED, { incident, kinds });
    return incident;
  }

  /** A public update (reaches the status page for public incidents) or an internal note, optionally with a status change. */
  async postUpdate(id: string, input: PostUpdateInput, author: TimelineAuthor): Promise<{ incident: IncidentEntity; event: IncidentTimelineEventEntity }> {
    const kinds: TimelineEventKind[] = [];
    let eventId = '';
    await this.reopenGuarded(id, input.body, () =>
      this.repository.transaction(async (tx) => {
        const incident = await tx.lock(id);
        const now = this.clock.now();
        let clock = applyClockEvent(clockOf(incident), { kind: 'update_posted', at: now, actor: actorOf(author) });
        if (input.status !== undefined && input.status !== incident.status) {
          kinds.push(await this.applyStatusChange(tx, incident, input.status, author, now, clock, (next) => (clock = next)));
        }
        const row = input.public
          ? await this.insertEvent(tx, incident, 'public_update', author, now, { body: input.body, status: incident.status }, { body: input.body })
          : await this.insertEvent(tx, incident, 'internal_note', author, now, { body: input.body }, { body: input.body });
        eventId = row.id;
        kinds.push(row.kind as TimelineEventKind);
        applyClock(incident, clock, { via: 'person', by: authorLabel(author) });
        if (author.kind !== 'system') incident.lastUpdateAt = now;
        await tx.save(incident);
      }),
    );
    const incident = await this.queries.getIncidentById(id);
    this.emit<IncidentChangedEvent>(INCIDENT_CHANGED, { incident, kinds });
    const event = await this.repository.findEvent(eventId);
    return { incident, event };
  }

  /**
   * A person acknowledged the incident (a page's button, `/incident ack`):
   * sets acknowledgedAt when it is still unset (MTTA) and records who, on the
   * timeline. Callers that must acknowledge once (pages) claim that first.
   */
  async acknowledgeIncident(id: string, author: TimelineAuthor, via: string): Promise<{ incident: IncidentEntity; firstAcknowledgement: boolean }> {
    let first = false;
    await this.repository.transaction(async (tx) => {
      const incident = await tx.lock(id);
      const now = this.clock.now();
      first = incident.acknowledgedAt === null;
      applyClock(incident, applyClockEvent(clockOf(incident), { kind: 'acknowledged', at: now, actor: actorOf(author) }), {
        via: 'person',
        by: authorLabel(author),
      });
      await this.appendEvent(tx, incident, 'acknowledged', author, now, { by: authorLabel(author), via });
      await tx.save(incident);
    });
    const incident = await this.queries.getIncidentById(id);
    this.emit<IncidentChangedEvent>(INCIDENT_CHANGED, { incident, kinds: ['acknowledged'] });
    return { incident, firstAcknowledgement: first };
  }

  /**
   * Appends an event that does not change the incident's fields (a chat pin or
   * reaction, alert fired/resolved, SLO burn, reminder). Replays with the same
   * `sourceRef` are ignored; returns false then.
   */
  async recordEvent<K extends TimelineEventKind>(
    id: string,
    kind: K,
    payload: TimelinePayloads[K],
    author: TimelineAuthor,
    options: RecordEventOptions = {},
  ): Promise<boolean> {
    const incident = await this.queries.getIncidentById(id);
    const occurredAt = options.occurredAt ?? this.clock.now();
    const inserted = await this.repository.insertEventOnce(
      timelineRow(incident, kind, author, occurredAt, payload, { body: options.body, sourceRef: options.sourceRef ?? null, public: false }),
    );
    if (inserted) this.emit<IncidentChangedEvent>(INCIDENT_CHANGED, { incident, kinds: [kind] });
    return inserted;
  }

  private async applyStatusChange(
    tx: IncidentWrites,
    incident: IncidentEntity,
    to: IncidentStatus,
    author: TimelineAuthor,
    now: Date,
    clock: IncidentClock,
    setClock: (clock: IncidentClock) => void,
  ): Promise<TimelineEventKind> {
    const from = incident.status;
    const result = changeIncidentStatus({ status: from, clock }, to, now, actorOf(author));
    incident.status = result.status;
    setClock(result.clock);
    // A resolved incident frees its dedup key for the next occurrence.
    return this.appendEvent(tx, incident, 'status_changed', author, now, { from, to: result.status, reopened: result.transition.kind === 'reopen' });
  }

  private async publishSummary(tx: IncidentWrites, incident: IncidentEntity, author: TimelineAuthor, at: Date): Promise<void> {
    const body = firstPublicUpdateBody(incident.summary);
    await this.insertEvent(tx, incident, 'public_update', author, at, { body, status: incident.status }, { body });
  }

  private async appendEvent<K extends TimelineEventKind>(
    tx: IncidentWrites,
    incident: IncidentEntity,
    kind: K,
    author: TimelineAuthor,
    occurredAt: Date,
    payload: TimelinePayloads[K],
  ): Promise<K> {
    await this.insertEvent(tx, incident, kind, author, occurredAt, payload);
    return kind;
  }

  private async insertEvent<K extends TimelineEventKind>(
    tx: IncidentWrites,
    incident: IncidentEntity,
    kind: K,
    author: TimelineAuthor,
    occurredAt: Date,
    payload: TimelinePayloads[K],
    options: { body?: string } = {},
  ): Promise<IncidentTimelineEventEntity> {
    return tx.insertEvent(timelineRow(incident, kind, author, occurredAt, payload, options));
  }

  private async findByKeys(idempotencyKey?: string | null, dedupKey?: string | null): Promise<IncidentEntity | null> {
    if (idempotencyKey) {
      const byKey = await this.repository.findByIdempotencyKey(idempotencyKey);
      if (byKey) return byKey;
    }
    if (dedupKey) return this.repository.findOpenByDedupKey(dedupKey);
    return null;
  }

  /**
   * Reopening an incident whose dedup key a newer open incident holds breaks
   * the one-open-incident-per-key index: answer 409 naming that incident
   * (nothing was written: the transaction rolled back), and hand the text of
   * the update back in the error's details so the caller can post it there.
   */
  private async reopenGuarded<T>(id: string, text: string | null, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!isUniqueViolation(error, 'UQ_incidents_open_dedup_key')) throw error;
      const incident = await this.repository.findById(id);
      const open = incident?.dedupKey ? await this.repository.findOpenByDedupKey(incident.dedupKey) : null;
      const reference = open ? formatIncidentReference(open.number) : 'another incident';
      throw new ConflictError('reopen_conflict', `this incident cannot be reopened: ${reference} is open for the same alert or SLO; post there instead`, {
        field: 'status',
        details: { openIncident: open ? { id: open.id, reference } : null, ...(text !== null ? { unsavedText: text } : {}) },
      });
    }
  }

  private emit<T>(event: string, payload: T): void {
    try {
      this.events.emit(event, payload);
    } catch (error) {
      this.logger.error({ err: error }, `listener of ${event} failed`);
    }
  }
}
