import type { AuditEntry, AuditLog } from '@app/catalog';
import { DeployGateAuditListener, deployGateOverrideAuditEntry } from './deploy-gate-audit.listener';
import type { DeployGateOverriddenEvent } from './deploy-gate';

const event: DeployGateOverriddenEvent = {
  overrideId: 'override-1',
  actor: 'token:tok-1',
  team: 'payments',
  service: 'checkout',
  serviceId: 'service-1',
  kind: 'security',
  reason: 'CVE patch',
  blockedBy: [
    { sloId: 'slo-1', name: 'availability', errorBudgetRemaining: -0.1 },
    { sloId: 'slo-2', name: 'latency', errorBudgetRemaining: 0 },
  ],
  at: new Date('2026-12-06T10:00:00Z'),
  principal: { kind: 'team', tokenId: 'tok-1', teamId: 'team-1', teamSlug: 'payments' },
};

describe('deploy-gate override audit record', () => {
  it('names the overriding token as actor, the service as target, and the override in details', () => {
    expect(deployGateOverrideAuditEntry(event)).toEqual({
      channel: 'api',
      actor: { kind: 'principal', principal: event.principal },
      action: 'deploy_gate.override',
      targetType: 'services',
      targetId: 'checkout',
      changedFields: [],
      outcome: null,
      details: {
        overrideId: 'override-1',
        kind: 'security',
        reason: 'CVE patch',
        actor: 'token:tok-1',
        team: 'payments',
        blockedBy: 'slo-1,slo-2',
        at: '2026-12-06T10:00:00.000Z',
      },
    });
  });

  it('falls back to the actor label when the event carries no principal', () => {
    expect(deployGateOverrideAuditEntry({ ...event, principal: undefined }).actor).toEqual({ kind: 'system', component: 'token:tok-1' });
  });

  it('the listener writes that record', async () => {
    const recorded: AuditEntry[] = [];
    const audit = { recordQuietly: async (entry: AuditEntry) => void recorded.push(entry) } as unknown as AuditLog;
    await new DeployGateAuditListener(audit).onOverridden(event);
    expect(recorded).toEqual([deployGateOverrideAuditEntry(event)]);
  });
});
