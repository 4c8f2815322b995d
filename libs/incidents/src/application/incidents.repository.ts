import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, IsNull, QueryDeepPartialEntity } from 'typeorm';

import { Principal, ServiceEntity, TeamEntity } from '@app/catalog';
import { NotFoundError, Page, PageRequest } from '@app/platform';
import { IncidentAffectedComponentEntity } from '../persistence/incident-affected-component.entity';
import { IncidentServiceLinkEntity } from '../persistence/incident-service-link.entity';
import { IncidentTimelineEventEntity } from '../persistence/incident-timeline-event.entity';
import { IncidentTypeEntity } from '../persistence/incident-type.entity';
import { IncidentEntity } from '../persistence/incident.entity';
import type { AffectedComponentInput, ListIncidentsFilter } from './incident-inputs';

const RELATIONS = { team: true, services: { service: { team: true } }, affectedComponents: true } as const;

/** A timeline row to insert (its id and createdAt come from the database). */
export type NewTimelineEvent = Pick<
  IncidentTimelineEventEntity,
  'incidentId' | 'kind' | 'author' | 'body' | 'public' | 'statusAtEvent' | 'data' | 'sourceRef' | 'occurredAt'
>;

/** The columns of a new incident that the lifecycle sets (number, ids, timestamps and the rest come from the database). */
export type NewIncident = Pick<
  IncidentEntity,
  | 'title'
  | 'summary'
  | 'severity'
  | 'status'
  | 'type'
  | 'teamId'
  | 'visibility'
  | 'commander'
  | 'declaredBy'
  | 'source'
  | 'dedupKey'
  | 'idempotencyKey'
  | 'lastUpdateAt'
  | 'announce'
  | 'causedByDeploymentId'
  | 'startedAt'
  | 'detectedAt'
  | 'acknowledgedAt'
  | 'mitigatedAt'
  | 'resolvedAt'
  | 'acknowledgedVia'
  | 'acknowledgedBy'
>;

/** The writes of one transaction: everything in it commits or nothing does. */
export interface IncidentWrites {
  insertIncident(fields: NewIncident): Promise<IncidentEntity>;
  linkServices(incidentId: string, serviceIds: string[]): Promise<void>;
  /** Replaces the affected components of an incident with `components`. */
  replaceAffectedComponents(incidentId: string, components: AffectedComponentInput[]): Promise<void>;
  /** The incident row locked until commit (FOR UPDATE), with its affected components; NotFoundError when absent. */
  lock(id: string): Promise<IncidentEntity>;
  hasPublicUpdate(incidentId: string): Promise<boolean>;
  countDuplicatesOf(incidentId: string): Promise<number>;
  /** Saves the incident's own columns (not its relations). */
  save(incident: IncidentEntity): Promise<void>;
  insertEvent(event: NewTimelineEvent): Promise<IncidentTimelineEventEntity>;
}

/**
 * The IO edge of the incident services: every read and write of incidents,
 * their timeline and their types against PostgreSQL. The services hold the
 * rules; unit specs give them an in-memory stand-in of this class
 * (testing/new-test-service.ts).
 */
@Injectable()
export class IncidentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (writes: IncidentWrites) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new TypeOrmIncidentWrites(manager)));
  }

  findById(id: string): Promise<IncidentEntity | null> {
    return this.dataSource.getRepository(IncidentEntity).findOne({ where: { id }, relations: RELATIONS });
  }

  findByNumber(number: number): Promise<IncidentEntity | null> {
    return this.dataSource.getRepository(IncidentEntity).findOne({ where: { number }, relations: RELATIONS });
  }

  findByIdempotencyKey(idempotencyKey: string): Promise<IncidentEntity | null> {
    return this.dataSource.getRepository(IncidentEntity).findOne({ where: { idempotencyKey }, relations: RELATIONS });
  }

  findOpenByDedupKey(dedupKey: string): Promise<IncidentEntity | null> {
    return this.dataSource.getRepository(IncidentEntity).findOne({ where: { dedupKey, resolvedAt: IsNull() }, relations: RELATIONS });
  }

  findTeamBySlug(slug: string): Promise<TeamEntity | null> {
    return this.dataSource.getRepository(TeamEntity).findOne({ where: { slug } });
  }

  findServicesBySlugs(slugs: string[]): Promise<ServiceEntity[]> {
    return this.dataSource.getRepository(ServiceEntity).createQueryBuilder('service').where('service.slug IN (:...slugs)', { slugs }).getMany();
  }

  /** Whether `slug` is a global incident type or one of the team's own. */
  async typeExists(slug: string, teamId: string): Promise<boolean> {
    const count = await this.dataSource
      .getRepository(IncidentTypeEntity)
      .createQueryBuilder('type')
      .where('type.slug = :slug', { slug })
      .andWhere(new Brackets((where) => where.where('type.teamId IS NULL').orWhere('type.teamId = :teamId', { teamId })))
      .getCount();
    return count > 0;
  }

  listTypes(teamId: string | null): Promise<IncidentTypeEntity[]> {
    const query = this.dataSource.getRepository(IncidentTypeEntity).createQueryBuilder('type').where('type.teamId IS NULL').orderBy('type.slug', 'ASC');
    if (teamId) query.orWhere('type.teamId = :teamId', { teamId });
    return query.getMany();
  }

  insertType(teamId: string, slug: string, label: string): Promise<IncidentTypeEntity> {
    const types = this.dataSource.getRepository(IncidentTypeEntity);
    return types.save(types.create({ teamId, slug, label }));
  }

  /** Inserts the event unless one with the same incident and sourceRef exists; true when inserted. */
  async insertEventOnce(event: NewTimelineEvent): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(IncidentTimelineEventEntity)
      .values(event as QueryDeepPartialEntity<IncidentTimelineEventEntity>)
      .orIgnore()
      .execute();
    return (result.identifiers?.length ?? 0) > 0 && result.identifiers[0] !== undefined;
  }

  findEvent(id: string): Promise<IncidentTimelineEventEntity> {
    return this.dataSource.getRepository(IncidentTimelineEventEntity).findOneByOrFail({ id });
  }

  timeline(incidentId: string): Promise<IncidentTimelineEventEntity[]> {
    return this.dataSource.getRepository(IncidentTimelineEventEntity).find({ where: { incidentId }, order: { occurredAt: 'ASC', createdAt: 'ASC' } });
  }

  duplicatesOf(id: string): Promise<IncidentEntity[]> {
    return this.dataSource.getRepository(IncidentEntity).find({ where: { duplicateOfId: id }, order: { number: 'ASC' } });
  }

  openIncidents(): Promise<IncidentEntity[]> {
    return this.dataSource.getRepository(IncidentEntity).find({ where: { resolvedAt: IsNull() }, relations: RELATIONS, order: { startedAt: 'ASC' } });
  }

  /** Incidents the principal may see: private ones only for their team (and admins). */
  async list(principal: Principal, filter: ListIncidentsFilter, page: PageRequest): Promise<Page<IncidentEntity>> {
    const query = this.dataSource
      .getRepository(IncidentEntity)
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
}

class TypeOrmIncidentWrites implements IncidentWrites {
  constructor(private readonly manager: EntityManager) {}

  insertIncident(fields: NewIncident): Promise<IncidentEntity> {
    return this.manager.save(IncidentEntity, this.manager.create(IncidentEntity, fields));
  }

  async linkServices(incidentId: string, serviceIds: string[]): Promise<void> {
    if (serviceIds.length === 0) return;
    await this.manager.insert(
      IncidentServiceLinkEntity,
      serviceIds.map((serviceId) => ({ incidentId, serviceId })),
    );
  }

  async replaceAffectedComponents(incidentId: string, components: AffectedComponentInput[]): Promise<void> {
    await this.manager.delete(IncidentAffectedComponentEntity, { incidentId });
    if (components.length === 0) return;
    await this.manager.insert(
      IncidentAffectedComponentEntity,
      components.map((component) => ({ incidentId, componentId: component.componentId, status: component.status })),
    );
  }

  async lock(id: string): Promise<IncidentEntity> {
    const locked = await this.manager.createQueryBuilder(IncidentEntity, 'incident').setLock('pessimistic_write').where('incident.id = :id', { id }).getOne();
    if (!locked) throw new NotFoundError('Incident', id);
    locked.affectedComponents = await this.manager.find(IncidentAffectedComponentEntity, { where: { incidentId: id } });
    return locked;
  }

  hasPublicUpdate(incidentId: string): Promise<boolean> {
    return this.manager.exists(IncidentTimelineEventEntity, { where: { incidentId, kind: 'public_update', public: true } });
  }

  countDuplicatesOf(incidentId: string): Promise<number> {
    return this.manager.count(IncidentEntity, { where: { duplicateOfId: incidentId } });
  }

  async save(incident: IncidentEntity): Promise<void> {
    // Saving with loaded relations would make TypeORM try to cascade them; the columns are what changed.
    const { services: _services, affectedComponents: _components, team: _team, ...columns } = incident;
    await this.manager.save(IncidentEntity, columns as IncidentEntity);
  }

  insertEvent(event: NewTimelineEvent): Promise<IncidentTimelineEventEntity> {
    return this.manager.save(IncidentTimelineEventEntity, this.manager.create(IncidentTimelineEventEntity, event));
  }
}
