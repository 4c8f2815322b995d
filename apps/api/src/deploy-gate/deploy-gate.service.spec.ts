import { EventEmitter2 } from '@nestjs/event-emitter';
import type { DataSource, Repository } from 'typeorm';
import type { Principal, ServicesService } from '@app/catalog';
import { FixedClock } from '@app/platform';
import { DEPLOY_GATE_OVERRIDDEN } from './deploy-gate';
import { DeployGateOverrideEntity } from './deploy-gate-override.entity';
import { DeployGateService } from './deploy-gate.service';

const SERVICE = { id: 'svc-1', slug: 'checkout', teamId: 'team-payments' };
const ADMIN: Principal = { kind: 'admin', tokenId: null };
const OTHER_TEAM: Principal = { kind: 'team', tokenId: 't2', teamId: 'team-search', teamSlug: 'search' };

function serviceWith(slos: Array<{ id: string; name: string; policy: object; errorBudgetRemaining: number | null }>) {
  const saved: Array<Partial<DeployGateOverrideEntity>> = [];
  const events = new EventEmitter2();
  const emitted: unknown[] = [];
  events.on(DEPLOY_GATE_OVERRIDDEN, (event) => emitted.push(event));
  const dataSource = { query: async () => slos } as unknown as DataSource;
  const overrides = {
    create: (fields: Partial<DeployGateOverrideEntity>) => fields,
    save: async (fields: Partial<DeployGateOverrideEntity>) => {
      saved.push(fields);
      return { ...fields, id: `override-${saved.length}` };
    },
  } as unknown as Repository<DeployGateOverrideEntity>;
  const services = { getService: async () => SERVICE } as unknown as ServicesService;
  const gate = new DeployGateService(dataSource, overrides, services, events, new FixedClock(new Date('2026-12-01T00:00:00Z')));
  return { gate, saved, emitted };
}

describe('DeployGateService', () => {
  const exhausted = { id: 's1', name: 'availability', policy: { openIncident: false, freezeDeploys: true }, errorBudgetRemaining: -0.1 };

  it('a service whose freezing SLO is exhausted may not deploy, and nothing is recorded', async () => {
    const { gate, saved, emitted } = serviceWith([exhausted, { id: 's2', name: 'latency', policy: { openIncident: false }, errorBudgetRemaining: -2 }]);
    expect(await gate.check(ADMIN, 'checkout', {}, 'admin')).toEqual({
      service: 'checkout',
      allowed: false,
      reasons: [{ sloId: 's1', name: 'availability', errorBudgetRemaining: -0.1 }],
    });
    expect(saved).toEqual([]);
    expect(emitted).toEqual([]);
  });

  it('an override with a reason passes, is stored and emitted for the audit log', async () => {
    const { gate, saved, emitted } = serviceWith([exhausted]);
    const answer = await gate.check(ADMIN, 'checkout', { override: 'p0', reason: ' hotfix for INC-42 ' }, 'admin');
    expect(answer).toMatchObject({ allowed: true, override: { id: 'override-1', kind: 'p0', reason: 'hotfix for INC-42' } });
    expect(saved).toEqual([expect.objectContaining({ serviceId: 'svc-1', kind: 'p0', reason: 'hotfix for INC-42', actor: 'admin' })]);
    expect(emitted).toEqual([expect.objectContaining({ service: 'checkout', kind: 'p0', actor: 'admin', overrideId: 'override-1' })]);
  });

  it.each([
    [{ override: 'security' }, 'reason'],
    [{ override: 'security', reason: '   ' }, 'reason'],
    [{ override: 'friday', reason: 'x' }, 'override'],
    [{ reason: 'no override' }, 'override'],
  ])('refuses %j naming %s, recording nothing', async (request, field) => {
    const { gate, saved } = serviceWith([exhausted]);
    await expect(gate.check(ADMIN, 'checkout', request, 'admin')).rejects.toMatchObject({ kind: 'validation', field });
    expect(saved).toEqual([]);
  });

  it("another team's token is refused", async () => {
    const { gate, saved } = serviceWith([exhausted]);
    await expect(gate.check(OTHER_TEAM, 'checkout', { override: 'security', reason: 'x' }, 'token:t2')).rejects.toMatchObject({ kind: 'forbidden' });
    expect(saved).toEqual([]);
  });
});
