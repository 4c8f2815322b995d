import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomInt } from 'node:crypto';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { type Principal, ReferenceOwnership } from '@app/catalog';
import { Clock, ConflictError, isUniqueViolation, NotFoundError, type Page, type PageRequest, ValidationFailedError } from '@app/platform';
import { StatusComponentsService } from '../components/status-components.service';
import { canMoveMaintenance, effectiveMaintenanceStatus, type MaintenanceStatus } from '../domain/maintenance-status';
import { generatePublicId } from '../domain/public-id';
import { StatusRecorder } from '../jobs/status-recorder';
import { MaintenanceComponentEntity } from '../persistence/maintenance-component.entity';
import { ScheduledMaintenanceEntity } from '../persistence/scheduled-maintenance.entity';
import { StatusComponentEntity } from '../persistence/status-component.entity';
import { assertMayEditComponent } from '../status-access';

export interface CreateMaintenanceInput {
  name: string;
  body?: string;
  components: string[];
  scheduledFor: Date;
  scheduledUntil: Date;
  autoStart?: boolean;
  autoComplete?: boolean;
  /** Set by hand (e.g. to record maintenance that is already under way). */
  status?: MaintenanceStatus;
}

export type UpdateMaintenanceInput = Partial<CreateMaintenanceInput>;

export interface MaintenanceView {
  readonly maintenance: ScheduledMaintenanceEntity;
  /** Status at `now`, with due automatic moves applied (what the public page shows). */
  readonly status: MaintenanceStatus;
  readonly componentIds: readonly string[];
}

const ID_ATTEMPTS = 5;

@Injectable()
export class MaintenancesService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(ScheduledMaintenanceEntity) private readonly maintenances: Repository<ScheduledMaintenanceEntity>,
    private readonly components: StatusComponentsService,
    private readonly recorder: StatusRecorder,
    private readonly clock: Clock,
    private readonly ownership: ReferenceOwnership,
  ) {}

  async createMaintenance(principal: Principal, input: CreateMaintenanceInput): Promise<MaintenanceView> {
    assertWindow(input.scheduledFor, input.scheduledUntil);
    await this.assertMayTouch(principal, input.components);
    const now = this.clock.now();
    const status = input.status ?? 'scheduled';
    for (let attempt = 1; ; attempt++) {
      const id = generatePublicId(randomInt);
      try {
        await this.dataSource.transaction(async (manager) => {
          await this.assertComponentsExist(manager, input.components);
          await manager.insert(ScheduledMaintenanceEntity, {
            id,
            name: input.name,
            body: input.body ?? '',
            status,
            autoStart: input.autoStart ?? true,
            autoComplete: input.autoComplete ?? true,
            scheduledFor: input.scheduledFor,
            scheduledUntil: input.scheduledUntil,
            createdAt: now,
            updatedAt: now,
            ...timestampsFor('scheduled', status, now),
          });
          await this.replaceComponents(manager, id, input.components);
        });
        await this.recorder.refreshAfterWrite(now);
        return this.getMaintenance(id);
      } catch (error) {
        if (isUniqueViolation(error, 'PK_') && attempt < ID_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  async listMaintenances(page: PageRequest): Promise<Page<MaintenanceView>> {
    const [items, total] = await this.maintenances.findAndCount({ order: { scheduledFor: 'DESC', id: 'ASC' }, take: page.limit, skip: page.offset });
    return { items: await this.views(items), total, limit: page.limit, offset: page.offset };
  }

  async getMaintenance(id: string): Promise<MaintenanceView> {
    const maintenance = await this.maintenances.findOne({ where: { id } });
    if (!maintenance) throw new NotFoundError('Scheduled maintenance', id);
    return (await this.views([maintenance]))[0];
  }

  async updateMaintenance(principal: Principal, id: string, changes: UpdateMaintenanceInput): Promise<MaintenanceView> {
    const current = await this.getMaintenance(id);
    await this.assertMayTouch(principal, [...current.componentIds, ...(changes.components ?? [])]);
    const now = this.clock.now();
    const scheduledFor = changes.scheduledFor ?? current.maintenance.scheduledFor;
    const scheduledUntil = changes.scheduledUntil ?? current.maintenance.scheduledUntil;
    if (changes.scheduledFor !== undefined || changes.scheduledUntil !== undefined) assertWindow(scheduledFor, scheduledUntil);
    const patch: Partial<ScheduledMaintenanceEntity> = { updatedAt: now };
    // Persist automatic moves that were due but not yet written, so a manual move starts from what the page shows.
    if (current.status !== current.maintenance.status) {
      patch.status = current.status;
      Object.assign(patch, autoMoveTimestamps(current.maintenance, current.status));
    }
    if (changes.status !== undefined && changes.status !== current.status) {
      if (!canMoveMaintenance(current.status, changes.status)) {
        throw new ConflictError('invalid_maintenance_transition', `A maintenance cannot move from ${current.status} to ${changes.status}`, { field: 'status' });
      }
      patch.status = changes.status;
      Object.assign(patch, timestampsFor(current.status, changes.status, now, current.maintenance));
    }
    if (changes.name !== undefined) patch.name = changes.name;
    if (changes.body !== undefined) patch.body = changes.body;
    if (changes.scheduledFor !== undefined) patch.scheduledFor = changes.scheduledFor;
    if (changes.scheduledUntil !== undefined) patch.scheduledUntil = changes.scheduledUntil;
    if (changes.autoStart !== undefined) patch.autoStart = changes.autoStart;
    if (changes.autoComplete !== undefined) patch.autoComplete = changes.autoComplete;
    await this.dataSource.transaction(async (manager) => {
      await manager.update(ScheduledMaintenanceEntity, { id }, patch);
      if (changes.components !== undefined) {
        await this.assertComponentsExist(manager, changes.components);
        await this.replaceComponents(manager, id, changes.components);
      }
    });
    await this.recorder.refreshAfterWrite(now);
    return this.getMaintenance(id);
  }

  async deleteMaintenance(principal: Principal, id: string): Promise<MaintenanceView> {
    const view = await this.getMaintenance(id);
    await this.assertMayTouch(principal, view.componentIds);
    await this.maintenances.delete({ id });
    await this.recorder.refreshAfterWrite();
    return view;
  }

  private async assertMayTouch(principal: Principal, componentIds: readonly string[]): Promise<void> {
    if (principal.kind === 'admin') return;
    if (componentIds.length === 0) assertMayEditComponent(principal, []);
    await this.ownership.assertOwnsComponents(principal, componentIds, 'components');
  }

  private async assertComponentsExist(manager: EntityManager, componentIds: readonly string[]): Promise<void> {
    const unique = [...new Set(componentIds)];
    const found = unique.length === 0 ? [] : await manager.find(StatusComponentEntity, { where: { id: In(unique) }, select: { id: true } });
    const missing = unique.filter((id) => !found.some((component) => component.id === id));
    if (missing.length > 0) throw new ValidationFailedError(`unknown components: ${missing.join(', ')}`, { field: 'components', code: 'unknown_component' });
  }

  private async replaceComponents(manager: EntityManager, maintenanceId: string, componentIds: readonly string[]): Promise<void> {
    await manager.delete(MaintenanceComponentEntity, { maintenanceId });
    const unique = [...new Set(componentIds)];
    if (unique.length > 0)
      await manager.insert(
        MaintenanceComponentEntity,
        unique.map((componentId) => ({ maintenanceId, componentId })),
      );
  }

  private async views(items: ScheduledMaintenanceEntity[]): Promise<MaintenanceView[]> {
    if (items.length === 0) return [];
    const now = this.clock.now();
    const links = await this.dataSource
      .getRepository(MaintenanceComponentEntity)
      .find({ where: { maintenanceId: In(items.map((item) => item.id)) }, order: { componentId: 'ASC' } });
    return items.map((maintenance) => ({
      maintenance,
      status: effectiveMaintenanceStatus(maintenance, now),
      componentIds: links.filter((link) => link.maintenanceId === maintenance.id).map((link) => link.componentId),
    }));
  }
}

function assertWindow(scheduledFor: Date, scheduledUntil: Date): void {
  if (scheduledUntil.getTime() <= scheduledFor.getTime()) {
    throw new ValidationFailedError('scheduledUntil must be after scheduledFor', { field: 'scheduledUntil', code: 'invalid_window' });
  }
}

/** Timestamps a move by hand records (only those not already set). */
function timestampsFor(
  from: MaintenanceStatus,
  to: MaintenanceStatus,
  now: Date,
  existing?: Pick<ScheduledMaintenanceEntity, 'startedAt' | 'verifyingAt' | 'completedAt'>,
): Partial<ScheduledMaintenanceEntity> {
  const patch: Partial<ScheduledMaintenanceEntity> = {};
  if (from === to) return patch;
  if (to === 'in_progress' && !existing?.startedAt) patch.startedAt = now;
  if (to === 'verifying') patch.verifyingAt = now;
  if (to === 'completed') patch.completedAt = now;
  return patch;
}

/** Timestamps of automatic moves: they happened at the scheduled times. */
function autoMoveTimestamps(maintenance: ScheduledMaintenanceEntity, effective: MaintenanceStatus): Partial<ScheduledMaintenanceEntity> {
  const patch: Partial<ScheduledMaintenanceEntity> = {};
  if (effective !== 'scheduled' && !maintenance.startedAt && maintenance.status === 'scheduled') patch.startedAt = maintenance.scheduledFor;
  if (effective === 'completed' && !maintenance.completedAt) patch.completedAt = maintenance.scheduledUntil;
  return patch;
}
