import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { assertCanActOnTeam, Principal, ServicesService } from '@app/catalog';
import { Clock, ValidationFailedError } from '@app/platform';
import type { SloPolicy } from '@app/slo';
import {
  DEPLOY_GATE_OVERRIDDEN,
  DEPLOY_GATE_OVERRIDES,
  DeployGateOverride,
  DeployGateOverriddenEvent,
  DeployGateReason,
  deployGateReasons,
} from './deploy-gate';
import { DeployGateOverrideEntity } from './deploy-gate-override.entity';

export interface DeployGateAnswer {
  readonly service: string;
  readonly allowed: boolean;
  readonly reasons: readonly DeployGateReason[];
  readonly override?: { readonly id: string; readonly kind: DeployGateOverride; readonly reason: string };
}

const MAX_REASON_LENGTH = 1000;

/**
 * May this service deploy? Read from the SLOs' stored latest figures (no
 * Prometheus query); an override (`security` or `p0`, with a reason) lets a
 * deploy through, is stored, and is announced for the audit log.
 */
@Injectable()
export class DeployGateService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(DeployGateOverrideEntity) private readonly overrides: Repository<DeployGateOverrideEntity>,
    private readonly services: ServicesService,
    private readonly events: EventEmitter2,
    private readonly clock: Clock,
  ) {}

  async check(principal: Principal, slug: string, request: { readonly override?: string; readonly reason?: string }, actor: string): Promise<DeployGateAnswer> {
    const override = this.validOverride(request);
    const service = await this.services.getService(slug);
    assertCanActOnTeam(principal, service.teamId);
    const slos = (await this.dataSource.query(`SELECT id, name, policy, error_budget_remaining AS "errorBudgetRemaining" FROM slos WHERE service_id = $1`, [
      service.id,
    ])) as Array<{
      id: string;
      name: string;
      policy: SloPolicy;
      errorBudgetRemaining: number | null;
    }>;
    const reasons = deployGateReasons(
      slos.map((slo) => ({ id: slo.id, name: slo.name, freezeDeploys: slo.policy?.freezeDeploys === true, errorBudgetRemaining: slo.errorBudgetRemaining })),
    );
    if (!override) return { service: service.slug, allowed: reasons.length === 0, reasons };
    const saved = await this.overrides.save(
      this.overrides.create({ serviceId: service.id, kind: override.kind, reason: override.reason, actor: actor.slice(0, 100), blockedBy: reasons }),
    );
    const event: DeployGateOverriddenEvent = {
      overrideId: saved.id,
      actor,
      team: principal.kind === 'team' ? principal.teamSlug : null,
      service: service.slug,
      serviceId: service.id,
      kind: override.kind,
      reason: override.reason,
      blockedBy: reasons,
      at: this.clock.now(),
      principal,
    };
    // Awaited so the override is in the audit log (DeployGateAuditListener) before the answer.
    await this.events.emitAsync(DEPLOY_GATE_OVERRIDDEN, event);
    return { service: service.slug, allowed: true, reasons, override: { id: saved.id, kind: override.kind, reason: override.reason } };
  }

  private validOverride(request: { readonly override?: string; readonly reason?: string }): { kind: DeployGateOverride; reason: string } | null {
    if (request.override === undefined) {
      if (request.reason !== undefined) throw new ValidationFailedError('reason is only taken with override=security|p0', { field: 'override' });
      return null;
    }
    if (!(DEPLOY_GATE_OVERRIDES as readonly string[]).includes(request.override)) {
      throw new ValidationFailedError(`override must be one of ${DEPLOY_GATE_OVERRIDES.join(', ')}`, { field: 'override' });
    }
    const reason = (request.reason ?? '').trim();
    if (reason === '') throw new ValidationFailedError('an override needs a reason (what is being deployed and why it cannot wait)', { field: 'reason' });
    if (reason.length > MAX_REASON_LENGTH) throw new ValidationFailedError(`reason must be at most ${MAX_REASON_LENGTH} characters`, { field: 'reason' });
    return { kind: request.override as DeployGateOverride, reason };
  }
}
