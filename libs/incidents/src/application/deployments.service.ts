import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { canActOnTeam, Principal, ServiceEntity } from '@app/catalog';
import { Clock, isUniqueViolation, NotFoundError, ValidationFailedError } from '@app/platform';
import { DeploymentStatus, PRODUCTION_ENVIRONMENT } from '../domain/delivery-insights';
import { DeploymentEntity } from '../persistence/deployment.entity';
import { IncidentEntity } from '../persistence/incident.entity';
import { IncidentQueriesService } from './incident-queries.service';
import { assertMayReferenceIncident, ForbiddenReferenceError, unknownDeploymentReferenceError, unknownIncidentReferenceError } from './reference-errors';

export interface RecordDeploymentInput {
  /** service slug */
  service: string;
  environment: string;
  version: string;
  status: DeploymentStatus;
  startedAt: Date;
  finishedAt: Date;
  commitAt?: Date | null;
  url?: string | null;
  /** incident id or INC-n this deployment fixes (rework) */
  fixesIncidentId?: string | null;
  /** already scoped to the caller */
  idempotencyKey?: string | null;
}

export interface ListDeploymentsFilter {
  service?: string;
  from?: Date;
  to?: Date;
  environment?: string;
  limit: number;
  offset: number;
}

/** How long before an incident started its services' deployments are suggested as its cause. */
export const SUGGESTION_WINDOW_MS = 2 * 3_600_000;

/**
 * Deployments of services (DORA): recording with Idempotency-Key, listing,
 * and the checks that keep references inside the caller's team.
 */
@Injectable()
export class DeploymentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(DeploymentEntity) private readonly deployments: Repository<DeploymentEntity>,
    private readonly incidents: IncidentQueriesService,
    private readonly clock: Clock,
  ) {}

  /** Records a deployment; a retry with the same idempotency key answers the first one (`created: false`). */
  async recordDeployment(principal: Principal, input: RecordDeploymentInput): Promise<{ deployment: DeploymentEntity; created: boolean }> {
    if (input.idempotencyKey) {
      const existing = await this.deployments.findOne({ where: { idempotencyKey: input.idempotencyKey }, relations: { service: { team: true } } });
      if (existing) return { deployment: existing, created: false };
    }
    const service = await this.dataSource.getRepository(ServiceEntity).findOne({ where: { slug: input.service } });
    if (!service) throw new ValidationFailedError(`service '${input.service}' does not exist`, { field: 'service', code: 'unknown_service' });
    if (!canActOnTeam(principal, service.teamId)) throw new ForbiddenReferenceError('service', `service '${input.service}' belongs to another team`);
    const now = this.clock.now();
    for (const field of ['startedAt', 'finishedAt', 'commitAt'] as const) {
      const value = input[field];
      if (value && value.getTime() > now.getTime()) throw new ValidationFailedError(`${field} (${value.toISOString()}) cannot be in the future`, { field });
    }
    if (input.finishedAt.getTime() < input.startedAt.getTime())
      throw new ValidationFailedError('finishedAt must not be before startedAt', { field: 'finishedAt' });
    if (input.commitAt && input.commitAt.getTime() > input.finishedAt.getTime())
      throw new ValidationFailedError('commitAt must not be after finishedAt', { field: 'commitAt' });
    const fixes = input.fixesIncidentId ? await this.incidentForReference(principal, input.fixesIncidentId, 'fixesIncidentId') : null;
    try {
      const saved = await this.deployments.save(
        this.deployments.create({
          serviceId: service.id,
          environment: input.environment,
          version: input.version,
          status: input.status,
          startedAt: input.startedAt,
          finishedAt: input.finishedAt,
          commitAt: input.commitAt ?? null,
          url: input.url ?? null,
          fixesIncidentId: fixes?.id ?? null,
          idempotencyKey: input.idempotencyKey ?? null,
        }),
      );
      return { deployment: await this.getDeployment(saved.id), created: true };
    } catch (error) {
      // A concurrent retry with the same key won: answer with its deployment.
      if (input.idempotencyKey && isUniqueViolation(error)) {
        const winner = await this.deployments.findOne({ where: { idempotencyKey: input.idempotencyKey }, relations: { service: { team: true } } });
        if (winner) return { deployment: winner, created: false };
      }
      throw error;
    }
  }

  async getDeployment(id: string): Promise<DeploymentEntity> {
    const deployment = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
      ? await this.deployments.findOne({ where: { id }, relations: { service: { team: true } } })
      : null;
    if (!deployment) throw new NotFoundError('Deployment', id);
    return deployment;
  }

  /**
   * The deployment an incident names (causedByDeploymentId): unknown → 400
   * naming the field; another team's deployment does not exist for a team
   * token (GET /deployments/:id answers 404), so it gets the same answer.
   */
  async deploymentForReference(principal: Principal, id: string, field: string): Promise<DeploymentEntity> {
    let deployment: DeploymentEntity;
    try {
      deployment = await this.getDeployment(id);
    } catch (error) {
      if (error instanceof NotFoundError) throw unknownDeploymentReferenceError(field, id);
      throw error;
    }
    if (!canActOnTeam(principal, deployment.service.teamId)) throw unknownDeploymentReferenceError(field, id);
    return deployment;
  }

  /** Newest first; a team token sees its own team's deployments only. */
  async listDeployments(principal: Principal, filter: ListDeploymentsFilter): Promise<{ items: DeploymentEntity[]; total: number }> {
    const query = this.deployments
      .createQueryBuilder('deployment')
      .innerJoinAndSelect('deployment.service', 'service')
      .innerJoinAndSelect('service.team', 'team')
      .orderBy('deployment.finishedAt', 'DESC')
      .addOrderBy('deployment.id', 'ASC');
    if (principal.kind === 'team') query.andWhere('service.teamId = :ownTeam', { ownTeam: principal.teamId });
    if (filter.service) query.andWhere('service.slug = :service', { service: filter.service });
    if (filter.environment) query.andWhere('deployment.environment = :environment', { environment: filter.environment });
    if (filter.from) query.andWhere('deployment.finishedAt >= :from', { from: filter.from });
    if (filter.to) query.andWhere('deployment.finishedAt < :to', { to: filter.to });
    const [items, total] = await query.take(filter.limit).skip(filter.offset).getManyAndCount();
    return { items, total };
  }

  /**
   * Deployments that may have caused an incident: production deployments of
   * its services that started before it did and finished no more than 2 hours
   * before it started; newest first. (The resolution form in chat offers these.)
   */
  async suggestDeploymentsForIncident(incidentId: string): Promise<DeploymentEntity[]> {
    const incident = await this.incidents.getIncident(incidentId);
    const serviceIds = (incident.services ?? []).map((link) => link.serviceId);
    if (serviceIds.length === 0) return [];
    return this.deployments
      .createQueryBuilder('deployment')
      .innerJoinAndSelect('deployment.service', 'service')
      .innerJoinAndSelect('service.team', 'team')
      .where('deployment.serviceId IN (:...serviceIds)', { serviceIds })
      .andWhere('deployment.environment = :environment', { environment: PRODUCTION_ENVIRONMENT })
      .andWhere('deployment.startedAt <= :startedAt', { startedAt: incident.startedAt })
      .andWhere('deployment.finishedAt >= :earliest', { earliest: new Date(incident.startedAt.getTime() - SUGGESTION_WINDOW_MS) })
      .orderBy('deployment.finishedAt', 'DESC')
      .take(20)
      .getMany();
  }

  /** A team's deployments (its services', any environment unless given) that finished in [from, to), newest first. */
  async deploymentsOfTeam(teamId: string, from: Date, to: Date, options: { environment?: string; limit?: number } = {}): Promise<DeploymentEntity[]> {
    const query = this.deployments
      .createQueryBuilder('deployment')
      .innerJoinAndSelect('deployment.service', 'service')
      .innerJoinAndSelect('service.team', 'team')
      .where('service.teamId = :teamId', { teamId })
      .andWhere('deployment.finishedAt >= :from AND deployment.finishedAt < :to', { from, to })
      .orderBy('deployment.finishedAt', 'DESC')
      .take(options.limit ?? 200);
    if (options.environment) query.andWhere('deployment.environment = :environment', { environment: options.environment });
    return query.getMany();
  }

  /** A team's incidents started in [from, to) that name the deployment that caused them, with that deployment. */
  async incidentsLinkedToDeployments(
    teamId: string,
    from: Date,
    to: Date,
    limit = 50,
  ): Promise<Array<{ incident: IncidentEntity; deployment: DeploymentEntity }>> {
    const incidents = await this.dataSource
      .getRepository(IncidentEntity)
      .createQueryBuilder('incident')
      .where('incident.teamId = :teamId', { teamId })
      .andWhere('incident.causedByDeploymentId IS NOT NULL')
      .andWhere('incident.startedAt >= :from AND incident.startedAt < :to', { from, to })
      .orderBy('incident.startedAt', 'DESC')
      .take(limit)
      .getMany();
    if (incidents.length === 0) return [];
    const deployments = await this.deployments.find({
      where: incidents.map((incident) => ({ id: incident.causedByDeploymentId as string })),
      relations: { service: { team: true } },
    });
    const byId = new Map(deployments.map((deployment) => [deployment.id, deployment]));
    return incidents.flatMap((incident) => {
      const deployment = byId.get(incident.causedByDeploymentId as string);
      return deployment ? [{ incident, deployment }] : [];
    });
  }

  /**
   * The incident a deployment fixes: unknown → 400; another team's private
   * incident → the same 400 (it does not exist for this token); another
   * team's internal or public incident → 403; each naming the field.
   */
  private async incidentForReference(principal: Principal, reference: string, field: string): Promise<IncidentEntity> {
    let incident: IncidentEntity;
    try {
      incident = await this.incidents.getIncident(reference);
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof ValidationFailedError) throw unknownIncidentReferenceError(field, reference);
      throw error;
    }
    assertMayReferenceIncident(principal, incident, reference, field, () => unknownIncidentReferenceError(field, reference));
    return incident;
  }
}
