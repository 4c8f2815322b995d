import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomInt } from 'node:crypto';
import { DataSource, In, Repository } from 'typeorm';
import type { Principal } from '@app/catalog';
import type { ComponentStatus } from '@app/incidents';
import { Clock, isUniqueViolation, NotFoundError, type Page, type PageRequest, ValidationFailedError } from '@app/platform';
import { generatePublicId } from '../domain/public-id';
import { StatusRecorder } from '../jobs/status-recorder';
import { StatusComponentGroupEntity } from '../persistence/status-component-group.entity';
import { StatusComponentEntity } from '../persistence/status-component.entity';
import { assertAdminForStatusPage } from '../status-access';
import { StatusEvaluator } from '../status-evaluator';

export interface CreateGroupInput {
  name: string;
  description?: string | null;
  position?: number;
  /** Component ids to put in the group (moved from any other group). */
  components?: string[];
}

export type UpdateGroupInput = Partial<CreateGroupInput>;

export interface GroupView {
  readonly group: StatusComponentGroupEntity;
  readonly componentIds: readonly string[];
  readonly status: ComponentStatus;
}

const ID_ATTEMPTS = 5;

/** Component groups: admin-only writes (they shape the whole page). */
@Injectable()
export class ComponentGroupsService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(StatusComponentGroupEntity) private readonly groups: Repository<StatusComponentGroupEntity>,
    private readonly evaluator: StatusEvaluator,
    private readonly recorder: StatusRecorder,
    private readonly clock: Clock,
  ) {}

  async createGroup(principal: Principal, input: CreateGroupInput): Promise<GroupView> {
    assertAdminForStatusPage(principal, 'Creating a component group');
    for (let attempt = 1; ; attempt++) {
      const id = generatePublicId(randomInt);
      const now = this.clock.now();
      try {
        await this.dataSource.transaction(async (manager) => {
          const position =
            input.position ??
            Number(((await manager.query(`SELECT COALESCE(MAX(position), 0) + 1 AS next FROM status_component_groups`)) as Array<{ next: number }>)[0].next);
          await manager.insert(StatusComponentGroupEntity, {
            id,
            name: input.name,
            description: input.description ?? null,
            position,
            createdAt: now,
            updatedAt: now,
          });
          if (input.components) await this.setMembers(manager.getRepository(StatusComponentEntity), id, input.components, now);
        });
        await this.recorder.refreshAfterWrite(now);
        return this.getGroup(id);
      } catch (error) {
        if (isUniqueViolation(error, 'PK_') && attempt < ID_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  async listGroups(page: PageRequest): Promise<Page<GroupView>> {
    const [items, total] = await this.groups.findAndCount({ order: { position: 'ASC', name: 'ASC', id: 'ASC' }, take: page.limit, skip: page.offset });
    return { items: await this.views(items), total, limit: page.limit, offset: page.offset };
  }

  async getGroup(id: string): Promise<GroupView> {
    const group = await this.groups.findOne({ where: { id } });
    if (!group) throw new NotFoundError('Component group', id);
    return (await this.views([group]))[0];
  }

  async updateGroup(principal: Principal, id: string, changes: UpdateGroupInput): Promise<GroupView> {
    assertAdminForStatusPage(principal, 'Changing a component group');
    await this.getGroup(id);
    const now = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      const patch: Partial<StatusComponentGroupEntity> = { updatedAt: now };
      if (changes.name !== undefined) patch.name = changes.name;
      if (changes.description !== undefined) patch.description = changes.description;
      if (changes.position !== undefined) patch.position = changes.position;
      await manager.update(StatusComponentGroupEntity, { id }, patch);
      if (changes.components !== undefined) await this.setMembers(manager.getRepository(StatusComponentEntity), id, changes.components, now);
    });
    await this.recorder.refreshAfterWrite(now);
    return this.getGroup(id);
  }

  /** Deleting a group keeps its components, ungrouped. */
  async deleteGroup(principal: Principal, id: string): Promise<GroupView> {
    assertAdminForStatusPage(principal, 'Deleting a component group');
    const view = await this.getGroup(id);
    await this.groups.delete({ id });
    return view;
  }

  private async setMembers(components: Repository<StatusComponentEntity>, groupId: string, componentIds: readonly string[], now: Date): Promise<void> {
    const unique = [...new Set(componentIds)];
    const found = unique.length === 0 ? [] : await components.find({ where: { id: In(unique) }, select: { id: true } });
    const missing = unique.filter((id) => !found.some((component) => component.id === id));
    if (missing.length > 0) throw new ValidationFailedError(`unknown components: ${missing.join(', ')}`, { field: 'components', code: 'unknown_component' });
    await components.createQueryBuilder().update().set({ groupId: null, updatedAt: now }).where('group_id = :groupId', { groupId }).execute();
    if (unique.length > 0) await components.update({ id: In(unique) }, { groupId, updatedAt: now });
  }

  private async views(groups: StatusComponentGroupEntity[]): Promise<GroupView[]> {
    if (groups.length === 0) return [];
    const [members, evaluation] = await Promise.all([
      this.dataSource.getRepository(StatusComponentEntity).find({
        where: { groupId: In(groups.map((group) => group.id)) },
        select: { id: true, groupId: true, position: true, name: true },
        order: { position: 'ASC', name: 'ASC' },
      }),
      this.evaluator.evaluate(),
    ]);
    return groups.map((group) => ({
      group,
      componentIds: members.filter((member) => member.groupId === group.id).map((member) => member.id),
      status: evaluation.derived.groups.get(group.id) ?? 'operational',
    }));
  }
}
