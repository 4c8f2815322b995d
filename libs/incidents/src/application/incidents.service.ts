import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AcknowledgedVia, nextAcknowledgement, openingAcknowledgedVia } from '../domain/acknowledgement';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, IsNull, Raw, Repository } from 'typeorm';
import { Principal, ReferenceOwnership, ServiceEntity, TeamEntity } from '@app/catalog';
import { Clock, ConflictError, isUniqueViolation, NotFoundError, Page, PageRequest, ValidationFailedError } from '@app/platform';
import { applyClockEvent, changeIncidentStatus, ClockActor, IncidentClock, openIncidentClock } from '../domain/incident-clock';
import type { ComponentStatus, IncidentSource, IncidentStatus, Severity, Visibility } from '../domain/incident-enums';
import { firstPublicUpdateBody } from '../domain/first-public-update';
import { applyRealTimes } from '../domain/incident-real-times';
import { formatIncidentReference, parseIncidentReference } from '../domain/incident-reference';
import { TimelineAuthor, TimelineEventKind, TimelinePayloads } from '../domain/timeline-event';
import { IncidentAffectedComponentEntity } from '../persistence/incident-affected-component.entity';
import { IncidentServiceLinkEntity } from '../persistence/incident-service-link.entity';
import { IncidentTimelineEventEntity } from '../persistence/incident-timeline-event.entity';
import { IncidentTypeEntity } from '../persistence/incident-type.entity';
import { IncidentEntity, SlackSyncState } from '../persistence/incident.entity';
import { authorLabel } from './author';
import { ComponentDirectory } from './component-directory';
import { INCIDENT_CHANGED, INCIDENT_DECLARED, IncidentChangedEvent, IncidentDeclaredEvent } from './incident-events';
import { unknownDuplicateTargetError } from './reference-errors';

export interface AffectedComponentInput {
  componentId: string;
  status: ComponentStatus;
}

export interface DeclareIncidentInput {
  title: string;
  summary?: string | null;
  severity: Severity;
  /** owning team slug */
  team: string;
  type: string;
  services?: string[];
  visibility?: Visibility;
  affectedComponents?: AffectedComponentInput[];
  commander?: string | null;
  startedAt?: Date | null;
  detectedAt?: Date | null;
  source: IncidentSource;
  /** one OPEN incident per key (SLO id, Alertmanager groupKey) */
  dedupKey?: string | null;
  /** one incident per key, ever (Slack view submission, Idempotency-Key header) */
  idempotencyKey?: string | null;
  /**
   * Who asks, when a token does (API, Alertmanager): the ownership rule
   * (ReferenceOwnership) then holds for `team`, `services` and
   * `affectedComponents`. Omitted for system sources (SLO policy, Slack).
   */
  principal?: Principal;
  /** initial status (history import); default investigating */
  status?: IncidentStatus;
  /** real times (DESIGN "Incidents: real times"); resolvedAt only with status resolved */
  acknowledgedAt?: Date | null;
  resolvedAt?: Date | null;
  /** false: no Slack channel, posts, paging or notifications (imported history); default true */
  announce?: boolean;
  causedByDeploymentId?: string | null;
}

export interface DeclareIncidentResult {
  incident: IncidentEntity;
  /** false when an existing incident answered the idempotency or dedup key */
  created: boolean;
}

export interface UpdateIncidentInput {
  title?: string;
  summary?: string;
  status?: IncidentStatus;
  severity?: Severity;
  commander?: string | null;
  visibility?: Visibility;
  type?: string;
  startedAt?: Date;
  affectedComponents?: AffectedComponentInput[];
  /** Who asks, when a token does: the ownership rule then holds for `affectedComponents`. */
  principal?: Principal;
  detectedAt?: Date;
  acknowledgedAt?: Date | null;
  resolvedAt?: Date;
  /** a deployment id (checked by the caller for the principal), or null to unlink */
  causedByDeploymentId?: string | null;
  /** id or INC-n of the original: resolves this one as its duplicate; null undoes the link */
  duplicateOf?: string | null;
}

export interface PostUpdateInput {
  body: string;
  public: boolean;
  status?: IncidentStatus;
}

export interface ListIncidentsFilter {
  team?: string;
  status?: IncidentStatus;
  open?: boolean;
  severity?: Severity;
  source?: IncidentSource;
  /** e.g. `slo:<id>`: every incident (open or not) opened under that key */
  dedupKey?: string;
}

export interface RecordEventOptions {
  occurredAt?: Date;
  /** natural key of an external event: a replay with the same key is ignored */
  sourceRef?: string;
  body?: string;
}

const RELATIONS = { team: true, services: { service: { team: true } }, affectedComponents: true } as const;

function actorOf(author: TimelineAuthor): ClockActor {
  return author.kind === 'system' ? 'automation' : 'human';
}

function clockOf(incident: IncidentEntity): IncidentClock {
  return {
    startedAt: incident.startedAt,
    detectedAt: incident.detectedAt,
    acknowledgedAt: incident.acknowledgedAt,
    mitigatedAt: incident.mitigatedAt,
    resolvedAt: incident.resolvedAt,
  };
}

function applyClock(
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

/**
 * The incident lifecycle against PostgreSQL. Every change is one transaction
 * that locks the incident row, applies the pure state machine and clock rules,
 * and appends the timeline; listeners hear about it after commit.
 */
@Injectable()
export class IncidentsService {
  private readonly logger = new Logger(IncidentsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(IncidentEntity) private readonly incidents: Repository<IncidentEntity>,
    @InjectRepository(IncidentTimelineEventEntity) private readonly timeline: Repository<IncidentTimelineEventEntity>,
    @InjectRepository(IncidentTypeEntity) private readonly types: Repository<IncidentTypeEntity>,
    private readonly clock: Clock,
    private readonly events: EventEmitter2,
    // Explicit token: SWC (the tests' compiler) emits `Object` as the design type of `X | null`.
    @Optional() @Inject(ComponentDirectory) private readonly components: ComponentDirectory | null,
    @Optional() @Inject(ReferenceOwnership) private readonly ownership: ReferenceOwnership | null = null,
  ) {}

  async declareIncident(input: DeclareIncidentInput, author: TimelineAuthor): Promise<DeclareIncidentResult> {
    if (input.principal)
      await this.assertOwnsReferences(input.principal, { team: input.team, services: input.services, affectedComponents: input.affectedComponents });
    const existing = await this.findByKeys(input.idempotencyKey, input.dedupKey);
    if (existing) return { incident: existing, created: false };

    const team = await this.resolveTeam(input.team);
    const services = await this.resolveServices(input.services ?? []);
    await this.assertTypeExists(input.type, team.id);
    const affected = await this.resolveComponents(input.affectedComponents ?? []);
    const now = this.clock.now();
    const clock = initialClock(input, actorOf(author), now);

    let incidentId: string;
    try {
      incidentId = await this.dataSource.transaction(async (manager) => {
        const incident = manager.create(IncidentEntity, {
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
          slackSyncState: 'none',
          lastUpdateAt: now,
          announce: input.announce ?? true,
          causedByDeploymentId: input.causedByDeploymentId ?? null,
          ...clock,
          ...openingAcknowledgement(input, clock.acknowledgedAt, authorLabel(author)),
        });
        const saved = await manager.save(IncidentEntity, incident);
        if (services.length > 0) {
          await manager.insert(
            IncidentServiceLinkEntity,
            services.map((service) => ({ incidentId: saved.id, serviceId: service.id })),
          );
        }
        if (affected.length > 0) {
          await manager.insert(
            IncidentAffectedComponentEntity,
            affected.map((component) => ({ incidentId: saved.id, componentId: component.componentId, status: component.status })),
          );
        }
        await this.appendEvent(manager, saved, 'declared', author, now, {
          title: saved.title,
          severity: saved.severity,
          visibility: saved.visibility,
          source: saved.source,
          type: saved.type,
          team: team.slug,
          summary: saved.summary || null,
        });
        if (affected.length > 0) {
          await this.appendEvent(manager, saved, 'components_changed', author, now, {
            changes: affected.map((component) => ({ componentId: component.componentId, from: null, to: component.status })),
          });
        }
        // Every public incident says something: its summary is its first public update (from the API, Slack or an SLO alike).
        if (saved.visibility === 'public') await this.publishSummary(manager, saved, author, now);
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
    const incident = await this.getIncidentById(incidentId);
    this.emit<IncidentDeclaredEvent>(INCIDENT_DECLARED, { incident, announce: incident.announce });
    return { incident, created: true };
  }

  async updateIncident(id: string, changes: UpdateIncidentInput, author: TimelineAuthor): Promise<IncidentEntity> {
    if (changes.principal) await this.assertOwnsReferences(changes.principal, { affectedComponents: changes.affectedComponents });
    const affected = changes.affectedComponents ? await this.resolveComponents(changes.affectedComponents) : undefined;
    const kinds: TimelineEventKind[] = [];
    // Title, summary and type have no timeline event of their own, but they are shown (Slack headline): still a change.
    let describedChanged = false;
    await this.reopenGuarded(id, null, () =>
      this.dataSource.transaction(async (manager) => {
        const incident = await this.lockIncident(manager, id);
        const now = this.clock.now();
        const actor = actorOf(author);
        let clock = clockOf(incident);

        if (changes.type !== undefined && changes.type !== incident.type) {
          await this.assertTypeExists(changes.type, incident.teamId);
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
          kinds.push(await this.appendEvent(manager, incident, 'started_at_changed', author, now, { from, to: changes.startedAt.toISOString() }));
        }
        if (changes.severity !== undefined && changes.severity !== incident.severity) {
          const from = incident.severity;
          incident.severity = changes.severity;
          clock = applyClockEvent(clock, { kind: 'severity_changed', at: now, actor });
          kinds.push(await this.appendEvent(manager, incident, 'severity_changed', author, now, { from, to: changes.severity }));
        }
        if (changes.commander !== undefined && changes.commander !== incident.commander) {
          const from = incident.commander;
          incident.commander = changes.commander;
          clock = applyClockEvent(clock, { kind: 'role_assigned', at: now, actor });
          kinds.push(
            await this.appendEvent(manager, incident, 'role_changed', author, now, {
              role: 'commander',
              from: from ? personRef(from) : null,
              to: changes.commander ? personRef(changes.commander) : null,
            }),
          );
        }
        if (changes.visibility !== undefined && changes.visibility !== incident.visibility) {
          const from = incident.visibility;
          incident.visibility = changes.visibility;
          kinds.push(await this.appendEvent(manager, incident, 'visibility_changed', author, now, { from, to: changes.visibility }));
          // Made public without a public update yet: its summary becomes the first one, as at declaration.
          if (
            changes.visibility === 'public' &&
            !(await manager.exists(IncidentTimelineEventEntity, { where: { incidentId: incident.id, kind: 'public_update', public: true } }))
          ) {
            await this.publishSummary(manager, incident, author, now);
            kinds.push('public_update');
          }
        }
        if (affected) {
          const previous = new Map(incident.affectedComponents.map((component) => [component.componentId, component.status]));
          const changed = affected.filter((component) => previous.get(component.componentId) !== component.status);
          const removed = [...previous.keys()].filter((componentId) => !affected.some((component) => component.componentId === componentId));
          if (changed.length > 0 || removed.length > 0) {
            await manager.delete(IncidentAffectedComponentEntity, { incidentId: incident.id });
            if (affected.length > 0) {
              await manager.insert(
                IncidentAffectedComponentEntity,
                affected.map((component) => ({ incidentId: incident.id, componentId: component.componentId, status: component.status })),
              );
            }
            kinds.push(
              await this.appendEvent(manager, incident, 'components_changed', author, now, {
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
          const original = changes.duplicateOf === null ? null : await this.resolveDuplicateTarget(manager, incident, changes.duplicateOf);
          if ((original?.id ?? null) !== incident.duplicateOfId) {
            incident.duplicateOfId = original?.id ?? null;
            describedChanged = true;
            if (original) {
              const reference = `INC-${original.number}`;
              const note = `Resolved as a duplicate of ${reference}`;
              kinds.push((await this.insertEvent(manager, incident, 'internal_note', author, now, { body: note }, { body: note })).kind as TimelineEventKind);
              await this.insertEvent(
                manager,
                original,
                'internal_note',
                author,
                now,
                { body: `INC-${incident.number} was resolved as a duplicate of this incident` },
                { body: `INC-${incident.number} was resolved as a duplicate of this incident` },
              );
              if (incident.status !== 'resolved' && changes.status === undefined) {
                kinds.push(await this.applyStatusChange(manager, incident, 'resolved', author, now, clock, (next) => (clock = next)));
              }
            }
          }
        }
        if (changes.status !== undefined && changes.status !== incident.status) {
          kinds.push(await this.applyStatusChange(manager, incident, changes.status, author, now, clock, (next) => (clock = next)));
        }
        if (changes.detectedAt !== undefined || changes.acknowledgedAt !== undefined || changes.resolvedAt !== undefined) {
          clock = applyRealTimes(
            clock,
            incident.status,
            { detectedAt: changes.detectedAt, acknowledgedAt: changes.acknowledgedAt, resolvedAt: changes.resolvedAt },
            now,
          );
          describedChanged = true;
        }
        if (changes.causedByDeploymentId !== undefined && changes.causedByDeploymentId !== incident.causedByDeploymentId) {
          incident.causedByDeploymentId = changes.causedByDeploymentId;
          describedChanged = true;
        }
        applyClock(incident, clock, { via: 'person', by: authorLabel(author), explicit: changes.acknowledgedAt !== undefined });
        if (kinds.some((kind) => kind === 'status_changed' || kind === 'severity_changed')) incident.lastUpdateAt = now;
        await manager.save(IncidentEntity, stripRelations(incident));
      }),
    );
    const incident = await this.getIncidentById(id);
    if (kinds.length > 0 || describedChanged) this.emit<IncidentChangedEvent>(INCIDENT_CHANGED, { incident, kinds });
    return incident;
  }

  /** A public update (reaches the status page for public incidents) or an internal note, optionally with a status change. */
  async postUpdate(id: string, input: PostUpdateInput, author: TimelineAuthor): Promise<{ incident: IncidentEntity; event: IncidentTimelineEventEntity }> {
    const kinds: TimelineEventKind[] = [];
    let eventId = '';
    await this.reopenGuarded(id, input.body, () =>
      this.dataSource.transaction(async (manager) => {
        const incident = await this.lockIncident(manager, id);
        const now = this.clock.now();
        let clock = applyClockEvent(clockOf(incident), { kind: 'update_posted', at: now, actor: actorOf(author) });
        if (input.status !== undefined && input.status !== incident.status) {
          kinds.push(await this.applyStatusChange(manager, incident, input.status, author, now, clock, (next) => (clock = next)));
        }
        const row = input.public
          ? await this.insertEvent(manager, incident, 'public_update', author, now, { body: input.body, status: incident.status }, { body: input.body })
          : await this.insertEvent(manager, incident, 'internal_note', author, now, { body: input.body }, { body: input.body });
        eventId = row.id;
        kinds.push(row.kind as TimelineEventKind);
        applyClock(incident, clock, { via: 'person', by: authorLabel(author) });
        if (author.kind !== 'system') incident.lastUpdateAt = now;
        await manager.save(IncidentEntity, stripRelations(incident));
      }),
    );
    const incident = await this.getIncidentById(id);
    this.emit<IncidentChangedEvent>(INCIDENT_CHANGED, { incident, kinds });
    const event = await this.timeline.findOneByOrFail({ id: eventId });
    return { incident, event };
  }

  /**
   * A person acknowledged the incident (a page's button, `/incident ack`):
   * sets acknowledgedAt when it is still unset (MTTA) and records who, on the
   * timeline. Callers that must acknowledge once (pages) claim that first.
   */
  async acknowledgeIncident(id: string, author: TimelineAuthor, via: string): Promise<{ incident: IncidentEntity; firstAcknowledgement: boolean }> {
    let first = false;
    await this.dataSource.transaction(async (manager) => {
      const incident = await this.lockIncident(manager, id);
      const now = this.clock.now();
      first = incident.acknowledgedAt === null;
      applyClock(incident, applyClockEvent(clockOf(incident), { kind: 'acknowledged', at: now, actor: actorOf(author) }), {
        via: 'person',
        by: authorLabel(author),
      });
      await this.appendEvent(manager, incident, 'acknowledged', author, now, { by: authorLabel(author), via });
      await manager.save(IncidentEntity, stripRelations(incident));
    });
    const incident = await this.getIncidentById(id);
    this.emit<IncidentChangedEvent>(INCIDENT_CHANGED, { incident, kinds: ['acknowledged'] });
    return { incident, firstAcknowledgement: first };
  }

  /**
   * Appends an event that does not change the incident's fields (Slack pin or
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
    const incident = await this.getIncidentById(id);
    const occurredAt = options.occurredAt ?? this.clock.now();
    const result = await this.timeline
      .createQueryBuilder()
      .insert()
      .into(IncidentTimelineEventEntity)
      .values({
        incidentId: incident.id,
        kind,
        author: authorLabel(author),
        body: options.body ?? '',
        public: false,
        statusAtEvent: incident.status,
        data: { ...(payload as object), author },
        sourceRef: options.sourceRef ?? null,
        occurredAt,
      })
      .orIgnore()
      .execute();
    const inserted = (result.identifiers?.length ?? 0) > 0 && result.identifiers[0] !== undefined;
    if (inserted) this.emit<IncidentChangedEvent>(INCIDENT_CHANGED, { incident, kinds: [kind] });
    return inserted;
  }

  async getIncident(idOrReference: string): Promise<IncidentEntity> {
    const number = parseIncidentReference(idOrReference) ?? (/^\d{1,9}$/.test(idOrReference) ? Number(idOrReference) : null);
    if (number !== null) {
      const byNumber = await this.incidents.findOne({ where: { number }, relations: RELATIONS });
      if (byNumber) return byNumber;
      throw new NotFoundError('Incident', idOrReference);
    }
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrReference)) {
      throw new ValidationFailedError('id must be an incident UUID or a reference such as INC-42', { field: 'id' });
    }
    return this.getIncidentById(idOrReference);
  }

  async getIncidentById(id: string): Promise<IncidentEntity> {
    const incident = await this.incidents.findOne({ where: { id }, relations: RELATIONS });
    if (!incident) throw new NotFoundError('Incident', id);
    return incident;
  }

  async findBySlackChannel(channelId: string): Promise<IncidentEntity | null> {
    return this.incidents.findOne({ where: { slackChannelId: channelId }, relations: RELATIONS });
  }

  async findOpenByDedupKey(dedupKey: string): Promise<IncidentEntity | null> {
    return this.incidents.findOne({ where: { dedupKey, resolvedAt: IsNull() }, relations: RELATIONS });
  }

  /** Incidents the principal may see: private ones only for their team (and admins). */
  async listIncidents(principal: Principal, filter: ListIncidentsFilter, page: PageRequest): Promise<Page<IncidentEntity>> {
    const query = this.incidents
      .createQueryBuilder('incident')
      .innerJoinAndSelect('incident.team', 'team')
      .leftJoinAndSelect('incident.services', 'link')
      .leftJoinAndSelect('link.service', 'service')
      .leftJoinAndSelect('service.team', 'serviceTeam')
      .leftJoinAndSelect('incident.affectedComponents', 'component')
      .orderBy('incident.startedAt', 'DESC')
      .addOrderBy('incident.number', 'DESC');
    if (principal.kind === 'team') {
      query.andWhere(
        new Brackets((where) => where.where("incident.visibility <> 'private'").orWhere('incident.teamId = :ownTeam', { ownTeam: principal.teamId })),
      );
    }
    if (filter.team) query.andWhere('team.slug = :team', { team: filter.team });
    if (filter.status) query.andWhere('incident.status = :status', { status: filter.status });
    if (filter.severity) query.andWhere('incident.severity = :severity', { severity: filter.severity });
    if (filter.source) query.andWhere('incident.source = :source', { source: filter.source });
    if (filter.dedupKey) query.andWhere('incident.dedupKey = :dedupKey', { dedupKey: filter.dedupKey });
    if (filter.open === true) query.andWhere('incident.resolvedAt IS NULL');
    if (filter.open === false) query.andWhere('incident.resolvedAt IS NOT NULL');
    const [items, total] = await query.take(page.limit).skip(page.offset).getManyAndCount();
    return { items, total, limit: page.limit, offset: page.offset };
  }

  async getTimeline(id: string): Promise<IncidentTimelineEventEntity[]> {
    return this.timeline.find({ where: { incidentId: id }, order: { occurredAt: 'ASC', createdAt: 'ASC' } });
  }

  async listIncidentTypes(teamId: string | null): Promise<IncidentTypeEntity[]> {
    const query = this.types.createQueryBuilder('type').where('type.teamId IS NULL').orderBy('type.slug', 'ASC');
    if (teamId) query.orWhere('type.teamId = :teamId', { teamId });
    return query.getMany();
  }

  /** A team's own incident type, next to the global list. */
  async addTeamIncidentType(teamId: string, slug: string, label: string): Promise<IncidentTypeEntity> {
    const clash = await this.types
      .createQueryBuilder('type')
      .where('type.slug = :slug', { slug })
      .andWhere(new Brackets((where) => where.where('type.teamId IS NULL').orWhere('type.teamId = :teamId', { teamId })))
      .getCount();
    if (clash > 0) throw new ConflictError('incident_type_exists', `incident type '${slug}' already exists`, { field: 'slug' });
    try {
      return await this.types.save(this.types.create({ teamId, slug, label }));
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('incident_type_exists', `incident type '${slug}' already exists`, { field: 'slug' });
      throw error;
    }
  }

  /** Slack bookkeeping: channel, headline messages and the state of the Slack side. */
  async updateSlackState(
    id: string,
    changes: Partial<Pick<IncidentEntity, 'slackChannelId' | 'slackChannelName' | 'slackHeadlineTs' | 'slackTeamMessageTs'>> & {
      state?: SlackSyncState;
      error?: string | null;
    },
  ): Promise<void> {
    const { state, error, ...columns } = changes;
    await this.incidents.update(
      { id },
      { ...columns, ...(state !== undefined ? { slackSyncState: state } : {}), ...(error !== undefined ? { slackSyncError: error } : {}) },
    );
  }

  /**
   * Incidents whose Slack side is owed. `idleForSeconds` skips rows touched
   * more recently than that (by the database's clock), so a retry job does not
   * race the first attempt that is still running.
   */
  async incidentsNeedingSlackSync(limit: number, options: { idleForSeconds?: number } = {}): Promise<IncidentEntity[]> {
    const idle = options.idleForSeconds ?? 0;
    return this.incidents.find({
      where: {
        slackSyncState: 'pending',
        ...(idle > 0 ? { updatedAt: Raw((column) => `${column} <= now() - make_interval(secs => :idle)`, { idle }) } : {}),
      },
      relations: RELATIONS,
      order: { createdAt: 'ASC' },
      take: limit,
    });
  }

  /**
   * Claims the right to send one reminder: an atomic compare-and-set on
   * last_reminder_at, so exactly one replica sends it.
   */
  async claimReminder(id: string, previousReminderAt: Date | null, now: Date): Promise<boolean> {
    const query = this.incidents
      .createQueryBuilder()
      .update(IncidentEntity)
      .set({ lastReminderAt: now })
      .where('id = :id', { id })
      .andWhere('resolved_at IS NULL');
    if (previousReminderAt) query.andWhere('last_reminder_at = :previous', { previous: previousReminderAt });
    else query.andWhere('last_reminder_at IS NULL');
    const result = await query.execute();
    return (result.affected ?? 0) === 1;
  }

  /** The incidents resolved as duplicates of this one (the other side of duplicateOf). */
  async listDuplicates(id: string): Promise<IncidentEntity[]> {
    return this.incidents.find({ where: { duplicateOfId: id }, order: { number: 'ASC' } });
  }

  async openIncidents(): Promise<IncidentEntity[]> {
    return this.incidents.find({ where: { resolvedAt: IsNull() }, relations: RELATIONS, order: { startedAt: 'ASC' } });
  }

  private async applyStatusChange(
    manager: EntityManager,
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
    return this.appendEvent(manager, incident, 'status_changed', author, now, { from, to: result.status, reopened: result.transition.kind === 'reopen' });
  }

  private async publishSummary(manager: EntityManager, incident: IncidentEntity, author: TimelineAuthor, at: Date): Promise<void> {
    const body = firstPublicUpdateBody(incident.summary);
    await this.insertEvent(manager, incident, 'public_update', author, at, { body, status: incident.status }, { body });
  }

  private async appendEvent<K extends TimelineEventKind>(
    manager: EntityManager,
    incident: IncidentEntity,
    kind: K,
    author: TimelineAuthor,
    occurredAt: Date,
    payload: TimelinePayloads[K],
  ): Promise<K> {
    await this.insertEvent(manager, incident, kind, author, occurredAt, payload);
    return kind;
  }

  private async insertEvent<K extends TimelineEventKind>(
    manager: EntityManager,
    incident: IncidentEntity,
    kind: K,
    author: TimelineAuthor,
    occurredAt: Date,
    payload: TimelinePayloads[K],
    options: { body?: string } = {},
  ): Promise<IncidentTimelineEventEntity> {
    return manager.save(
      IncidentTimelineEventEntity,
      manager.create(IncidentTimelineEventEntity, {
        incidentId: incident.id,
        kind,
        author: authorLabel(author),
        body: options.body ?? '',
        public: kind === 'public_update',
        statusAtEvent: incident.status,
        data: { ...(payload as object), author },
        sourceRef: null,
        occurredAt,
      }),
    );
  }

  private async lockIncident(manager: EntityManager, id: string): Promise<IncidentEntity> {
    const locked = await manager.createQueryBuilder(IncidentEntity, 'incident').setLock('pessimistic_write').where('incident.id = :id', { id }).getOne();
    if (!locked) throw new NotFoundError('Incident', id);
    locked.affectedComponents = await manager.find(IncidentAffectedComponentEntity, { where: { incidentId: id } });
    return locked;
  }

  private async resolveDuplicateTarget(manager: EntityManager, incident: IncidentEntity, reference: string): Promise<IncidentEntity> {
    let original: IncidentEntity;
    try {
      original = await this.getIncident(reference);
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof ValidationFailedError) {
        throw unknownDuplicateTargetError(reference);
      }
      throw error;
    }
    if (original.id === incident.id) throw new ValidationFailedError('an incident cannot be a duplicate of itself', { field: 'duplicateOf' });
    if (original.duplicateOfId !== null) {
      throw new ValidationFailedError(`INC-${original.number} is itself a duplicate; name the original incident`, { field: 'duplicateOf' });
    }
    const duplicatesOfThis = await manager.count(IncidentEntity, { where: { duplicateOfId: incident.id } });
    if (duplicatesOfThis > 0)
      throw new ValidationFailedError('other incidents are duplicates of this one; it cannot become a duplicate itself', { field: 'duplicateOf' });
    return original;
  }

  private async findByKeys(idempotencyKey?: string | null, dedupKey?: string | null): Promise<IncidentEntity | null> {
    if (idempotencyKey) {
      const byKey = await this.incidents.findOne({ where: { idempotencyKey }, relations: RELATIONS });
      if (byKey) return byKey;
    }
    if (dedupKey) return this.findOpenByDedupKey(dedupKey);
    return null;
  }

  private async resolveTeam(slug: string): Promise<TeamEntity> {
    const team = await this.dataSource.getRepository(TeamEntity).findOne({ where: { slug } });
    if (!team) throw new ValidationFailedError(`team '${slug}' does not exist`, { field: 'team', code: 'unknown_team' });
    return team;
  }

  private async resolveServices(slugs: string[]): Promise<ServiceEntity[]> {
    const unique = [...new Set(slugs)];
    if (unique.length === 0) return [];
    const found = await this.dataSource
      .getRepository(ServiceEntity)
      .createQueryBuilder('service')
      .where('service.slug IN (:...slugs)', { slugs: unique })
      .getMany();
    const missing = unique.filter((slug) => !found.some((service) => service.slug === slug));
    if (missing.length > 0) throw new ValidationFailedError(`unknown services: ${missing.join(', ')}`, { field: 'services', code: 'unknown_service' });
    return found;
  }

  private async assertTypeExists(type: string, teamId: string): Promise<void> {
    const count = await this.types
      .createQueryBuilder('type')
      .where('type.slug = :type', { type })
      .andWhere(new Brackets((where) => where.where('type.teamId IS NULL').orWhere('type.teamId = :teamId', { teamId })))
      .getCount();
    if (count === 0) throw new ValidationFailedError(`incident type '${type}' does not exist for this team`, { field: 'type', code: 'unknown_incident_type' });
  }

  private async resolveComponents(components: AffectedComponentInput[]): Promise<AffectedComponentInput[]> {
    const byId = new Map(components.map((component) => [component.componentId, component]));
    if (byId.size !== components.length) throw new ValidationFailedError('affectedComponents lists a component twice', { field: 'affectedComponents' });
    if (byId.size === 0) return [];
    const existing = this.components ? await this.components.existingComponentIds([...byId.keys()]) : new Set<string>();
    const missing = [...byId.keys()].filter((componentId) => !existing.has(componentId));
    if (missing.length > 0)
      throw new ValidationFailedError(`unknown status components: ${missing.join(', ')}`, { field: 'affectedComponents', code: 'unknown_component' });
    return [...byId.values()];
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
      const incident = await this.incidents.findOne({ where: { id } });
      const open = incident?.dedupKey ? await this.incidents.findOne({ where: { dedupKey: incident.dedupKey, resolvedAt: IsNull() } }) : null;
      const reference = open ? formatIncidentReference(open.number) : 'another incident';
      throw new ConflictError('reopen_conflict', `this incident cannot be reopened: ${reference} is open for the same alert or SLO; post there instead`, {
        field: 'status',
        details: { openIncident: open ? { id: open.id, reference } : null, ...(text !== null ? { unsavedText: text } : {}) },
      });
    }
  }

  /** The ownership rule, before anything is written: 403 naming the field. */
  private async assertOwnsReferences(
    principal: Principal,
    references: { team?: string; services?: string[]; affectedComponents?: AffectedComponentInput[] },
  ): Promise<void> {
    if (principal.kind === 'admin') return;
    if (!this.ownership) throw new Error('ReferenceOwnership is not provided: import CatalogModule where IncidentsModule is used');
    if (references.team !== undefined) await this.ownership.assertOwnsTeams(principal, [references.team], 'team');
    await this.ownership.assertOwnsServices(principal, references.services ?? [], 'services');
    await this.ownership.assertOwnsComponents(
      principal,
      (references.affectedComponents ?? []).map((component) => component.componentId),
      'affectedComponents',
    );
  }

  private emit<T>(event: string, payload: T): void {
    try {
      this.events.emit(event, payload);
    } catch (error) {
      this.logger.error({ err: error }, `listener of ${event} failed`);
    }
  }
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

function personRef(value: string): { slackUserId?: string; name?: string } {
  return /^[UW][A-Z0-9]{2,}$/.test(value) ? { slackUserId: value } : { name: value };
}

/** Saving with loaded relations would make TypeORM try to cascade them; the columns are what changed. */
function stripRelations(incident: IncidentEntity): IncidentEntity {
  const { services: _services, affectedComponents: _components, team: _team, ...columns } = incident;
  return columns as IncidentEntity;
}
