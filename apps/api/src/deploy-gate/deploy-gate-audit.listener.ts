import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AuditActor, AuditEntry, AuditLog } from '@app/catalog';
import { DEPLOY_GATE_OVERRIDDEN, DeployGateOverriddenEvent } from './deploy-gate';

/** The audit record of a deploy-gate override: who let which service through, why, and past which SLOs. */
export function deployGateOverrideAuditEntry(event: DeployGateOverriddenEvent): AuditEntry {
  const actor: AuditActor = event.principal ? { kind: 'principal', principal: event.principal } : { kind: 'system', component: event.actor };
  return {
    channel: 'api',
    actor,
    action: 'deploy_gate.override',
    targetType: 'services',
    targetId: event.service,
    changedFields: [],
    outcome: null,
    details: {
      overrideId: event.overrideId,
      kind: event.kind,
      reason: event.reason,
      actor: event.actor,
      team: event.team,
      blockedBy: event.blockedBy.map((reason) => reason.sloId).join(','),
      at: event.at.toISOString(),
    },
  };
}

/**
 * Records `deploy_gate.overridden` in the audit trail. The gate awaits its
 * listeners (emitAsync), so the record exists when the override is answered.
 */
@Injectable()
export class DeployGateAuditListener {
  constructor(private readonly audit: AuditLog) {}

  @OnEvent(DEPLOY_GATE_OVERRIDDEN)
  async onOverridden(event: DeployGateOverriddenEvent): Promise<void> {
    await this.audit.recordQuietly(deployGateOverrideAuditEntry(event));
  }
}
