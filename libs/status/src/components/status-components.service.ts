import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomInt } from 'node:crypto';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { type Principal, ReferenceOwnership, ServicesService } from '@app/catalog';
import type { ComponentStatus } from '@app/incidents';
import { Clock, isUniqueViolation, NotFoundError, type Page, type PageRequest, ValidationFailedError } from '@app/platform';
import type { DerivedComponentStatus } from '../domain/component-status';
import { generatePublicId } from '../domain/public-id';
import { StatusRecorder } from '../jobs/status-recorder';
import { StatusComponentGroupEntity } from '../persistence/status-component-group.entity';
import { StatusComponentServiceEntity } from '../persistence/status-component-service.entity';
import { StatusComponentSloEntity } from '../persistence/status-component-slo.entity';
import { StatusComponentEntity } from '../persistence/status-component.entity';
import { assertAdminForStatusPage, assertMayEditComponent } from '../status-access';
import { StatusEvaluator } from '../status-evaluator';

export interface CreateComponentInput {
  name: string;
  description?: string | null;
  position?: number;
  groupId?: string | null;
  onlyShowIfDegraded?: boolean;
  manualStatus?: ComponentStatus | null;
  /** When the manual status stops applying; null = until cleared. Only with a manual status. */
  manualStatusUntil?: Date | null;
  /** Service slugs. */
  services?: string[];
  sloIds?: string[];
}

export type UpdateComponentInput = Partial<CreateComponentInput>;

/** A component with what it links to and its derived status. */
export interface ComponentView {
  readonly component: StatusComponentEntity;
  readonly services: ReadonlyArray<{ slug: string; teamId: string }>;
  readonly slos: readonly StatusComponentSloEntity[];
  readonly derived: DerivedComponentStatus;
}

const ID_ATTEMPTS = 5;

/** Checks `manualStatusUntil` against the status it bounds and the time now. */
function manualStatusUntil(manualStatus: ComponentStatus | null, until: Date | null, now: Date): Date | null {
  if (until === null) return null;
  if (manualStatus === null) {
    throw new ValidationFailedError('manualStatusUntil needs a manualStatus to end', {
      field: 'manualStatusUntil',
      code: 'manual_status_until_without_status',
    });
  }
  if (until.getTime() <= now.getTime()) {
    throw new ValidationFailedError(`manualStatusUntil must be in the future, got ${until.toISOString()}`, {
      field: 'manualStatusUntil',
      code: 'manual_status_until_past',
    });
  }
  return until;
}

@Injectable()
export class StatusComponentsService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(StatusComponentEntity) private readonly components: Repository<StatusComponentEntity>,
    private readonly services: ServicesService,
    private readonly evaluator: StatusEvaluator,
    private readonly recorder: StatusRecorder,
    private readonly clock: Clock,
    private readonly ownership: ReferenceOwnership,
  ) {}

  async createComponent(principal: Principal, input: CreateComponentInput): Promise<ComponentView> {
    assertAdminForStatusPage(principal, 'Creating a status component');
    const serviceIds = await this.resolveServices(input.services ?? []);
    for (let attempt = 1; ; attempt++) {
      const id = generatePublicId(randomInt);
      const now = this.clock.now();
      try {
        await this.dataSource.transaction(async (manager) => {
          if (input.groupId) await this.assertGroupExists(manager, input.groupId);
          const position = input.position ?? (await this.nextPosition(manager));
          await manager.insert(StatusComponentEntity, {
            id,
            name: input.name,
            description: input.description ?? null,
            position,
            groupId: input.groupId ?? null,
            onlyShowIfDegraded: input.onlyShowIfDegraded ?? false,
            manualStatus: input.manualStatus ?? null,
            manualStatusUntil: manualStatusUntil(input.manualStatus ?? null, input.manualStatusUntil ?? null, now),
            createdAt: now,
            updatedAt: now,
          });
          await this.replaceLinks(manager, id, serviceIds, input.sloIds ?? []);
        });
        await this.recorder.refreshAfterWrite(now);
        return this.getComponent(id);
      } catch (error) {
        if (isUniqueViolation(error, 'PK_') && attempt < ID_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  async listComponents(page: PageRequest): Promise<Page<ComponentView>> {
    const [items, total] = await this.components.findAndCount({ order: { position: 'ASC', name: 'ASC', id: 'ASC' }, take: page.limit, skip: page.offset });
    return { items: await this.views(items), total, limit: page.limit, offset: page.offset };
  }

  async getComponent(id: string): Promise<ComponentView> {
    const component = await this.components.findOne({ where: { id } });
    if (!component) throw new NotFoundError('Status component', id);
    return (await this.views([component]))[0];
  }

  async updateComponent(principal: Principal, id: string, changes: UpdateComponentInput): Promise<ComponentView> {
    const current = await this.getComponent(id);
    assertMayEditComponent(
      principal,
      current.services.map((service) => service.teamId),
    );
    const serviceIds = changes.services === undefined ? undefined : await this.resolveServices(changes.services);
    if (changes.services !== undefined && principal.kind === 'team') {
      await this.ownership.assertOwnsServices(principal, changes.services, 'services');
      const teams = (await this.services.findServices(changes.services)).map((service) => service.teamId);
      assertMayEditComponent(principal, teams);
    }
    if (changes.sloIds !== undefined) {
      // Links the team adds must be its own SLOs; links the admin made stay.
      const linked = new Set(current.slos.map((slo) => slo.sloId));
      await this.ownership.assertOwnsSlos(
        principal,
        changes.sloIds.filter((sloId) => !linked.has(sloId)),
        'sloIds',
      );
    }
    if (changes.groupId !== undefined || changes.position !== undefined) assertAdminForStatusPage(principal, 'Moving a status component');
    const now = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      if (changes.groupId) await this.assertGroupExists(manager, changes.groupId);
      const patch: Partial<StatusComponentEntity> = {};
      if (changes.name !== undefined) patch.name = changes.name;
      if (changes.description !== undefined) patch.description = changes.description;
      if (changes.position !== undefined) patch.position = changes.position;
      if (changes.groupId !== undefined) patch.groupId = changes.groupId;
      if (changes.onlyShowIfDegraded !== undefined) patch.onlyShowIfDegraded = changes.onlyShowIfDegraded;
      if (changes.manualStatus !== undefined || changes.manualStatusUntil !== undefined) {
        const manual = changes.manualStatus !== undefined ? changes.manualStatus : current.component.manualStatus;
        // A new manual status without an end applies until cleared; clearing the status clears its end.
        const until =
          changes.manualStatusUntil !== undefined ? changes.manualStatusUntil : changes.manualStatus !== undefined ? null : current.component.manualStatusUntil;
        patch.manualStatus = manual;
        patch.manualStatusUntil = manualStatusUntil(manual, until, now);
      }
      patch.updatedAt = now;
      await manager.update(StatusComponentEntity, { id }, patch);
      if (serviceIds !== undefined || changes.sloIds !== undefined) {
        await this.replaceLinks(manager, id, serviceIds ?? (await this.currentServiceIds(manager, id)), changes.sloIds ?? current.slos.map((slo) => slo.sloId));
      }
    });
    await this.recorder.refreshAfterWrite(now);
    return this.getComponent(id);
  }

  async deleteComponent(principal: Principal, id: string): Promise<ComponentView> {
    assertAdminForStatusPage(principal, 'Deleting a status component');
    const view = await this.getComponent(id);
    await this.components.delete({ id });
    return view;
  }

  /** Team ids owning the services linked to each given component (for access checks elsewhere). */
  async serviceTeamIds(componentIds: readonly string[]): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>(componentIds.map((id) => [id, []]));
    if (componentIds.length === 0) return result;
    const links = await this.dataSource.getRepository(StatusComponentServiceEntity).find({ where: { componentId: In([...componentIds]) } });
    for (const link of links) result.get(link.componentId)?.push(link.service.teamId);
    return result;
  }

  private async views(components: StatusComponentEntity[]): Promise<ComponentView[]> {
    if (components.length === 0) return [];
    const ids = components.map((component) => component.id);
    const [serviceLinks, sloLinks, evaluation] = await Promise.all([
      this.dataSource.getRepository(StatusComponentServiceEntity).find({ where: { componentId: In(ids) } }),
      this.dataSource.getRepository(StatusComponentSloEntity).find({ where: { componentId: In(ids) }, order: { sloId: 'ASC' } }),
      this.evaluator.evaluate(),
    ]);
    return components.map((component) => ({
      component,
      services: serviceLinks
        .filter((link) => link.componentId === component.id)
        .map((link) => ({ slug: link.service.slug, teamId: link.service.teamId }))
        .sort((a, b) => a.slug.localeCompare(b.slug)),
      slos: sloLinks.filter((link) => link.componentId === component.id),
      derived: evaluation.derived.components.get(component.id) ?? { status: 'operational', reasons: [] },
    }));
  }

  private async resolveServices(slugs: readonly string[]): Promise<string[]> {
    const unique = [...new Set(slugs)];
    const found = await this.services.findServices(unique);
    const missing = unique.filter((slug) => !found.some((service) => service.slug === slug));
    if (missing.length > 0) throw new ValidationFailedError(`unknown services: ${missing.join(', ')}`, { field: 'services', code: 'unknown_service' });
    return found.map((service) => service.id);
  }

  private async currentServiceIds(manager: EntityManager, componentId: string): Promise<string[]> {
    return (await manager.find(StatusComponentServiceEntity, { where: { componentId } })).map((link) => link.serviceId);
  }

  private async replaceLinks(manager: EntityManager, componentId: string, serviceIds: readonly string[], sloIds: readonly string[]): Promise<void> {
    await manager.delete(StatusComponentServiceEntity, { componentId });
    if (serviceIds.length > 0)
      await manager.insert(
        StatusComponentServiceEntity,
        serviceIds.map((serviceId) => ({ componentId, serviceId })),
      );
    const keep = [...new Set(sloIds)];
    const existing = await manager.find(StatusComponentSloEntity, { where: { componentId } });
    const removed = existing.filter((link) => !keep.includes(link.sloId)).map((link) => link.sloId);
    if (removed.length > 0) await manager.delete(StatusComponentSloEntity, { componentId, sloId: In(removed) });
    const added = keep.filter((sloId) => !existing.some((link) => link.sloId === sloId));
    if (added.length > 0)
      await manager.insert(
        StatusComponentSloEntity,
        added.map((sloId) => ({ componentId, sloId, state: null, stateChangedAt: null })),
      );
  }

  private async assertGroupExists(manager: EntityManager, groupId: string): Promise<void> {
    if (!(await manager.exists(StatusComponentGroupEntity, { where: { id: groupId } }))) {
      throw new ValidationFailedError(`component group '${groupId}' does not exist`, { field: 'groupId', code: 'unknown_group' });
    }
  }

  private async nextPosition(manager: EntityManager): Promise<number> {
    const [row] = (await manager.query(`SELECT COALESCE(MAX(position), 0) + 1 AS next FROM status_components`)) as Array<{ next: number }>;
    return Number(row?.next ?? 1);
  }
}
