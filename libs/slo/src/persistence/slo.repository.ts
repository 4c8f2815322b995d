import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { ServiceEntity } from '@app/catalog';
import { Page, PageRequest } from '@app/platform';
import type { SloIndicator } from '../domain/slo-indicator';
import type { SloPolicy } from '../domain/slo-policy';
import type { SloState, SloStatus } from '../domain/slo-status';
import type { SloWindowColumns } from '../domain/slo-window-columns';
import { SloEntity } from './slo.entity';

/** The definition fields of an SLO row, as validated by the definitions service. */
export interface SloDefinitionValues extends SloWindowColumns {
  readonly name: string;
  readonly description: string | null;
  readonly objective: number;
  readonly indicator: SloIndicator;
  readonly policy: SloPolicy;
}

/** Which SLOs a read selects (slugs). */
export interface SloSelection {
  readonly team?: string;
  readonly teams?: readonly string[];
  readonly service?: string;
  readonly state?: SloState;
}

/** What one spec import writes, in one transaction (SloSpecApplyService's plan). */
export interface SpecWritePlan {
  /** Team of the services to create. */
  readonly teamId?: string;
  readonly newServices: ReadonlyArray<{ readonly slug: string; readonly name: string }>;
  /** Ids of the existing services, by slug. */
  readonly serviceIds: ReadonlyMap<string, string>;
  readonly slos: ReadonlyArray<{
    readonly service: string;
    /** The stored SLO this spec updates; absent: created. */
    readonly storedId?: string;
    readonly values: Partial<SloEntity>;
    readonly changed: boolean;
    readonly indicatorChanged: boolean;
  }>;
  readonly deleteIds: readonly string[];
  readonly nextEvaluationAt: Date;
}

/** The row fields of an SLO's latest figures (and its policy, for component state). */
export type SloLatestRow = Pick<SloEntity, 'id' | 'state' | 'evaluatedAt' | 'sli' | 'errorBudgetRemaining' | 'policy'>;

/**
 * The SLO rows in PostgreSQL: the one place the definitions and read-model
 * services reach TypeORM. Every method is one read or one transaction.
 */
@Injectable()
export class SloRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(SloEntity) private readonly slos: Repository<SloEntity>,
    @InjectRepository(ServiceEntity) private readonly services: Repository<ServiceEntity>,
  ) {}

  /** The SLO with its service and team (eager relations), or null. */
  findById(id: string): Promise<SloEntity | null> {
    return this.slos.findOne({ where: { id } });
  }

  /** Inserts a new SLO and answers its id; a unique violation (service, name) propagates. */
  async insert(values: SloDefinitionValues & { readonly serviceId: string; readonly nextEvaluationAt: Date }): Promise<string> {
    return (await this.slos.save(this.slos.create(values))).id;
  }

  /**
   * Writes a changed definition. A new indicator drops the stored buckets and
   * last counts (they counted other events); `supersede` clears the claim token
   * so an evaluation in flight with the old definition writes nothing.
   */
  async updateDefinition(id: string, values: SloDefinitionValues, change: { readonly indicatorChanged: boolean; readonly supersede: boolean }): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const reset = change.indicatorChanged ? { bucketsFrom: null, bucketsUntil: null, lastGoodCounts: null } : {};
      await manager.update(SloEntity, { id }, { ...values, ...reset, ...(change.supersede ? { claimToken: null } : {}) });
      if (change.indicatorChanged) {
        await manager.query(`DELETE FROM slo_event_buckets WHERE slo_id = $1`, [id]);
      }
    });
  }

  async delete(id: string): Promise<void> {
    await this.slos.delete({ id });
  }

  /** The stored status: undefined for an unknown SLO, null before its first evaluation. One primary-key read. */
  async status(id: string): Promise<SloStatus | null | undefined> {
    const [row] = (await this.dataSource.query(`SELECT status FROM slos WHERE id = $1`, [id])) as Array<{ status: SloStatus | null }>;
    return row === undefined ? undefined : row.status;
  }

  /** A page of SLOs by service slug, then name. */
  async page(selection: SloSelection, page: PageRequest): Promise<Page<SloEntity>> {
    const query = this.selectionQuery(selection).addOrderBy('slo.id', 'ASC');
    const [items, total] = await query.take(page.limit).skip(page.offset).getManyAndCount();
    return { items, total, limit: page.limit, offset: page.offset };
  }

  /** Every selected SLO with its service and team, by service slug, then name. */
  all(selection: SloSelection): Promise<SloEntity[]> {
    return this.selectionQuery(selection).getMany();
  }

  /** The latest figures of the given SLOs (no relations). */
  latestRows(ids: readonly string[]): Promise<SloLatestRow[]> {
    return this.slos.find({
      where: { id: In([...ids]) },
      select: { id: true, state: true, evaluatedAt: true, sli: true, errorBudgetRemaining: true, policy: true },
      relations: { service: false },
      loadEagerRelations: false,
    });
  }

  /** Evaluated SLOs by error budget remaining, smallest first. */
  leastBudget(team: string | undefined, limit: number): Promise<SloEntity[]> {
    const query = this.slos
      .createQueryBuilder('slo')
      .innerJoinAndSelect('slo.service', 'service')
      .innerJoinAndSelect('service.team', 'team')
      .where('slo.error_budget_remaining IS NOT NULL')
      .orderBy('slo.error_budget_remaining', 'ASC')
      .addOrderBy('slo.id', 'ASC')
      .take(limit);
    if (team !== undefined) query.andWhere('team.slug = :team', { team });
    return query.getMany();
  }

  /** The SLOs of the given services. */
  ofServices(serviceIds: readonly string[]): Promise<SloEntity[]> {
    return serviceIds.length === 0 ? Promise.resolve([]) : this.slos.find({ where: { serviceId: In([...serviceIds]) } });
  }

  /** A team's SLOs by service slug, then name. */
  ofTeam(teamId: string): Promise<SloEntity[]> {
    return this.slos
      .createQueryBuilder('slo')
      .innerJoinAndSelect('slo.service', 'service')
      .innerJoinAndSelect('service.team', 'team')
      .where('service.team_id = :teamId', { teamId })
      .orderBy('service.slug', 'ASC')
      .addOrderBy('slo.name', 'ASC')
      .getMany();
  }

  /**
   * Writes a spec import: new services, created and changed SLOs (a changed
   * one loses its claim; a new indicator its buckets), deleted ones. Answers
   * the SLO ids in the plan's order.
   */
  async writeSpecs(plan: SpecWritePlan): Promise<string[]> {
    return this.dataSource.transaction(async (manager) => {
      const serviceIdBySlug = new Map(plan.serviceIds);
      for (const service of plan.newServices) {
        const saved = await manager.save(ServiceEntity, manager.create(ServiceEntity, { slug: service.slug, name: service.name, teamId: plan.teamId }));
        serviceIdBySlug.set(service.slug, saved.id);
      }
      const ids: string[] = [];
      for (const slo of plan.slos) {
        if (slo.storedId === undefined) {
          const created = await manager.save(
            SloEntity,
            manager.create(SloEntity, { ...slo.values, serviceId: serviceIdBySlug.get(slo.service) as string, nextEvaluationAt: plan.nextEvaluationAt }),
          );
          ids.push(created.id);
          continue;
        }
        ids.push(slo.storedId);
        if (!slo.changed) continue;
        await manager.update(
          SloEntity,
          { id: slo.storedId },
          { ...slo.values, claimToken: null, ...(slo.indicatorChanged ? { bucketsFrom: null, bucketsUntil: null, lastGoodCounts: null } : {}) },
        );
        if (slo.indicatorChanged) await manager.query(`DELETE FROM slo_event_buckets WHERE slo_id = $1`, [slo.storedId]);
      }
      if (plan.deleteIds.length > 0) await manager.delete(SloEntity, { id: In([...plan.deleteIds]) });
      return ids;
    });
  }

  async servicesBySlug(slugs: readonly string[]): Promise<ServiceEntity[]> {
    const unique = [...new Set(slugs)];
    return unique.length === 0 ? [] : this.services.find({ where: { slug: In(unique) } });
  }

  private selectionQuery(selection: SloSelection) {
    const query = this.slos
      .createQueryBuilder('slo')
      .innerJoinAndSelect('slo.service', 'service')
      .innerJoinAndSelect('service.team', 'team')
      .orderBy('service.slug', 'ASC')
      .addOrderBy('slo.name', 'ASC');
    if (selection.team !== undefined) query.andWhere('team.slug = :team', { team: selection.team });
    if (selection.teams !== undefined) query.andWhere('team.slug IN (:...teams)', { teams: selection.teams });
    if (selection.service !== undefined) query.andWhere('service.slug = :service', { service: selection.service });
    if (selection.state !== undefined) query.andWhere('slo.state = :state', { state: selection.state });
    return query;
  }
}
