// Unit-test support of the incident services (after immich's newTestService): builds a service with an
// in-memory IncidentsRepository and jest fakes of its other collaborators, so a spec runs without a database.
import { randomUUID } from 'node:crypto';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { Principal, ReferenceOwnership, ServiceEntity, TeamEntity } from '@app/catalog';
import { FixedClock, NotFoundError, Page, PageRequest } from '@app/platform';
import { IncidentAffectedComponentEntity } from '../../persistence/incident-affected-component.entity';
import type { IncidentTimelineEventEntity } from '../../persistence/incident-timeline-event.entity';
import type { IncidentTypeEntity } from '../../persistence/incident-type.entity';
import { IncidentEntity } from '../../persistence/incident.entity';
import { ComponentDirectory } from '../component-directory';
import type { AffectedComponentInput, ListIncidentsFilter } from '../incident-inputs';
import { IncidentQueriesService } from '../incident-queries.service';
import { IncidentReferences } from '../incident-references';
import { IncidentTypesService } from '../incident-types.service';
import { IncidentsService } from '../incidents.service';
import type { IncidentsRepository, IncidentWrites, NewIncident, NewTimelineEvent } from '../incidents.repository';

type RepositoryShape = Pick<IncidentsRepository, keyof IncidentsRepository>;

interface Tables {
  incidents: IncidentEntity[];
  events: IncidentTimelineEventEntity[];
  components: IncidentAffectedComponentEntity[];
  links: Array<{ incidentId: string; serviceId: string }>;
  types: IncidentTypeEntity[];
}

/** What PostgreSQL answers on a unique index violation (code 23505 naming the constraint). */
function uniqueViolation(constraint: string): Error {
  return Object.assign(new Error(`duplicate key value violates unique constraint "${constraint}"`), { code: '23505', constraint });
}

/**
 * IncidentsRepository in memory: the same contract (transactions roll back on
 * error; the unique indexes on idempotency key, open dedup key and an event's
 * sourceRef hold), no database.
 */
export class InMemoryIncidentsRepository implements RepositoryShape {
  tables: Tables = { incidents: [], events: [], components: [], links: [], types: [] };
  readonly teams: TeamEntity[] = [];
  readonly services: ServiceEntity[] = [];
  private nextNumber = 1;

  addTeam(slug: string): TeamEntity {
    const team = { id: randomUUID(), slug, name: slug } as TeamEntity;
    this.teams.push(team);
    return team;
  }

  addService(slug: string, team: TeamEntity): ServiceEntity {
    const service = { id: randomUUID(), slug, name: slug, teamId: team.id, team } as ServiceEntity;
    this.services.push(service);
    return service;
  }

  addType(slug: string, teamId: string | null = null): void {
    this.tables.types.push({ id: randomUUID(), slug, label: slug, teamId } as IncidentTypeEntity);
  }

  eventsOf(incidentId: string): IncidentTimelineEventEntity[] {
    return this.tables.events.filter((event) => event.incidentId === incidentId);
  }

  async transaction<T>(work: (writes: IncidentWrites) => Promise<T>): Promise<T> {
    const before = this.snapshot();
    try {
      return await work(new InMemoryWrites(this));
    } catch (error) {
      this.tables = before;
      throw error;
    }
  }

  async findById(id: string): Promise<IncidentEntity | null> {
    return this.loaded((incident) => incident.id === id);
  }

  async findByNumber(number: number): Promise<IncidentEntity | null> {
    return this.loaded((incident) => incident.number === number);
  }

  async findByIdempotencyKey(idempotencyKey: string): Promise<IncidentEntity | null> {
    return this.loaded((incident) => incident.idempotencyKey === idempotencyKey);
  }

  async findOpenByDedupKey(dedupKey: string): Promise<IncidentEntity | null> {
    return this.loaded((incident) => incident.dedupKey === dedupKey && incident.resolvedAt === null);
  }

  async findTeamBySlug(slug: string): Promise<TeamEntity | null> {
    return this.teams.find((team) => team.slug === slug) ?? null;
  }

  async findServicesBySlugs(slugs: string[]): Promise<ServiceEntity[]> {
    return this.services.filter((service) => slugs.includes(service.slug));
  }

  async typeExists(slug: string, teamId: string): Promise<boolean> {
    return this.tables.types.some((type) => type.slug === slug && (type.teamId === null || type.teamId === teamId));
  }

  async listTypes(teamId: string | null): Promise<IncidentTypeEntity[]> {
    return this.tables.types.filter((type) => type.teamId === null || type.teamId === teamId);
  }

  async insertType(teamId: string, slug: string, label: string): Promise<IncidentTypeEntity> {
    const type = { id: randomUUID(), teamId, slug, label } as IncidentTypeEntity;
    this.tables.types.push(type);
    return type;
  }

  async insertEventOnce(event: NewTimelineEvent): Promise<boolean> {
    if (event.sourceRef !== null && this.tables.events.some((row) => row.incidentId === event.incidentId && row.sourceRef === event.sourceRef)) return false;
    this.insertEventRow(event);
    return true;
  }

  async findEvent(id: string): Promise<IncidentTimelineEventEntity> {
    const event = this.tables.events.find((row) => row.id === id);
    if (!event) throw new NotFoundError('IncidentTimelineEvent', id);
    return { ...event };
  }

  async timeline(incidentId: string): Promise<IncidentTimelineEventEntity[]> {
    return this.eventsOf(incidentId).sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  }

  async duplicatesOf(id: string): Promise<IncidentEntity[]> {
    return this.tables.incidents.filter((incident) => incident.duplicateOfId === id).map((incident) => ({ ...incident }));
  }

  async openIncidents(): Promise<IncidentEntity[]> {
    return this.tables.incidents.filter((incident) => incident.resolvedAt === null).map((incident) => this.withRelations(incident));
  }

  async list(principal: Principal, filter: ListIncidentsFilter, page: PageRequest): Promise<Page<IncidentEntity>> {
    const visible = this.tables.incidents.filter(
      (incident) =>
        (principal.kind === 'admin' || incident.visibility !== 'private' || incident.teamId === principal.teamId) &&
        (filter.status === undefined || incident.status === filter.status) &&
        (filter.open === undefined || (incident.resolvedAt === null) === filter.open),
    );
    const items = visible.slice(page.offset, page.offset + page.limit).map((incident) => this.withRelations(incident));
    return { items, total: visible.length, limit: page.limit, offset: page.offset };
  }

  /** Appends a timeline row (the transaction writes use it too). */
  insertEventRow(event: NewTimelineEvent): IncidentTimelineEventEntity {
    const row = { ...event, id: randomUUID(), createdAt: new Date() } as IncidentTimelineEventEntity;
    this.tables.events.push(row);
    return row;
  }

  /** Inserts or updates a row, holding the unique indexes PostgreSQL holds. */
  store(incident: IncidentEntity): void {
    const others = this.tables.incidents.filter((row) => row.id !== incident.id);
    if (incident.idempotencyKey && others.some((row) => row.idempotencyKey === incident.idempotencyKey)) throw uniqueViolation('UQ_incidents_idempotency_key');
    if (incident.dedupKey && incident.resolvedAt === null && others.some((row) => row.dedupKey === incident.dedupKey && row.resolvedAt === null))
      throw uniqueViolation('UQ_incidents_open_dedup_key');
    const { services: _services, affectedComponents: _components, team: _team, ...columns } = incident;
    this.tables.incidents = [...others, { ...columns } as IncidentEntity];
  }

  newNumber(): number {
    return this.nextNumber++;
  }

  withRelations(incident: IncidentEntity): IncidentEntity {
    const team = this.teams.find((candidate) => candidate.id === incident.teamId) as TeamEntity;
    const links = this.tables.links.filter((link) => link.incidentId === incident.id);
    return {
      ...incident,
      team,
      services: links.map((link) => ({ ...link, service: this.services.find((service) => service.id === link.serviceId) })),
      affectedComponents: this.tables.components.filter((component) => component.incidentId === incident.id).map((component) => ({ ...component })),
    } as IncidentEntity;
  }

  private loaded(match: (incident: IncidentEntity) => boolean): IncidentEntity | null {
    const found = this.tables.incidents.find(match);
    return found ? this.withRelations(found) : null;
  }

  private snapshot(): Tables {
    const copy = <T extends object>(rows: T[]): T[] => rows.map((row) => ({ ...row }));
    const tables = this.tables;
    return {
      incidents: copy(tables.incidents),
      events: copy(tables.events),
      components: copy(tables.components),
      links: copy(tables.links),
      types: copy(tables.types),
    };
  }
}

class InMemoryWrites implements IncidentWrites {
  constructor(private readonly repository: InMemoryIncidentsRepository) {}

  async insertIncident(fields: NewIncident): Promise<IncidentEntity> {
    const now = new Date();
    const incident = {
      ...fields,
      id: randomUUID(),
      number: this.repository.newNumber(),
      duplicateOfId: null,
      lastReminderAt: null,
      externalId: null,
      createdAt: now,
      updatedAt: now,
    } as unknown as IncidentEntity;
    this.repository.store(incident);
    return { ...incident };
  }

  async linkServices(incidentId: string, serviceIds: string[]): Promise<void> {
    this.repository.tables.links.push(...serviceIds.map((serviceId) => ({ incidentId, serviceId })));
  }

  async replaceAffectedComponents(incidentId: string, components: AffectedComponentInput[]): Promise<void> {
    const tables = this.repository.tables;
    tables.components = [
      ...tables.components.filter((component) => component.incidentId !== incidentId),
      ...components.map((component) => Object.assign(new IncidentAffectedComponentEntity(), { incidentId, ...component })),
    ];
  }

  async lock(id: string): Promise<IncidentEntity> {
    const incident = await this.repository.findById(id);
    if (!incident) throw new NotFoundError('Incident', id);
    return incident;
  }

  async hasPublicUpdate(incidentId: string): Promise<boolean> {
    return this.repository.eventsOf(incidentId).some((event) => event.kind === 'public_update' && event.public);
  }

  async countDuplicatesOf(incidentId: string): Promise<number> {
    return this.repository.tables.incidents.filter((incident) => incident.duplicateOfId === incidentId).length;
  }

  async save(incident: IncidentEntity): Promise<void> {
    this.repository.store({ ...incident, updatedAt: new Date() });
  }

  async insertEvent(event: NewTimelineEvent): Promise<IncidentTimelineEventEntity> {
    return this.repository.insertEventRow(event);
  }
}

export interface IncidentTestContext {
  repository: InMemoryIncidentsRepository;
  clock: FixedClock;
  events: { emit: jest.Mock };
  ownership: { assertOwnsTeams: jest.Mock; assertOwnsServices: jest.Mock; assertOwnsComponents: jest.Mock };
  components: { existingComponentIds: jest.Mock };
  queries: IncidentQueriesService;
  references: IncidentReferences;
  types: IncidentTypesService;
}

/** The lifecycle service (IncidentsService) over an in-memory repository, with the collaborators a spec looks at. */
export function newTestService(now = new Date('2026-12-06T10:00:00Z')): { sut: IncidentsService } & IncidentTestContext {
  const repository = new InMemoryIncidentsRepository();
  const clock = new FixedClock(now);
  const events = { emit: jest.fn() };
  const ownership = { assertOwnsTeams: jest.fn(), assertOwnsServices: jest.fn(), assertOwnsComponents: jest.fn() };
  const components = { existingComponentIds: jest.fn(async (ids: string[]) => new Set(ids)) };
  const store = repository as unknown as IncidentsRepository;
  const queries = new IncidentQueriesService(store);
  const references = new IncidentReferences(store, queries, components as ComponentDirectory, ownership as unknown as ReferenceOwnership);
  const types = new IncidentTypesService(store);
  const sut = new IncidentsService(store, queries, references, clock, events as unknown as EventEmitter2);
  return { sut, repository, clock, events, ownership, components, queries, references, types };
}
