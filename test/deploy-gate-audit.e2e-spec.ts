import { RunningApi, startApi } from './support/api-app';

/**
 * A deploy-gate override (issue 23) lands in the audit trail (issue 18) with
 * the overriding token as its actor, by the time the override is answered.
 */
describe('deploy-gate overrides in the audit log', () => {
  let api: RunningApi;

  beforeAll(async () => {
    api = await startApi();
  }, 120_000);

  afterAll(async () => {
    await api?.close();
  });

  it('GET /api/v1/audit shows the override: actor = the team token, the service, kind, reason', async () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const team = `gate-${suffix}`;
    const service = `gate-svc-${suffix}`;
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: team, name: 'Gate team' }).expect(201);
    await api.http.post('/api/v1/services').set(api.admin).send({ slug: service, name: 'Gate service', team }).expect(201);
    const issued = (await api.http.post(`/api/v1/teams/${team}/tokens`).set(api.admin).send({ name: 'ci' }).expect(201)).body as { id: string; token: string };
    const asTeam = { Authorization: `Bearer ${issued.token}` };

    // A plain check and a refused override are not overrides: nothing recorded for them.
    await api.http.get(`/api/v1/services/${service}/deploy-gate`).set(asTeam).expect(200);
    const refused = await api.http.get(`/api/v1/services/${service}/deploy-gate`).query({ override: 'security' }).set(asTeam);
    expect([refused.status, refused.body.field]).toEqual([400, 'reason']);

    const overridden = await api.http
      .get(`/api/v1/services/${service}/deploy-gate`)
      .query({ override: 'security', reason: 'CVE-2026-0001 patch' })
      .set(asTeam)
      .expect(200);
    expect(overridden.body).toMatchObject({ service, allowed: true, override: { kind: 'security', reason: 'CVE-2026-0001 patch' } });

    // Awaited before the answer: the record is already there (no polling needed).
    const audit = await api.http.get('/api/v1/audit').query({ actor: issued.id, targetType: 'services', limit: 50 }).set(api.admin).expect(200);
    const records = (audit.body.items as Array<{ action: string }>).filter((record) => record.action === 'deploy_gate.override');
    expect(records).toEqual([
      expect.objectContaining({
        channel: 'api',
        actor: expect.objectContaining({ kind: 'team', tokenId: issued.id, team }),
        action: 'deploy_gate.override',
        target: { type: 'services', id: service },
        details: expect.objectContaining({ overrideId: overridden.body.override.id, kind: 'security', reason: 'CVE-2026-0001 patch', team, blockedBy: '' }),
      }),
    ]);
    // The same actor can be found by its team.
    const byTeam = await api.http.get('/api/v1/audit').query({ actor: team, limit: 50 }).set(api.admin).expect(200);
    expect((byTeam.body.items as Array<{ action: string }>).filter((record) => record.action === 'deploy_gate.override')).toHaveLength(1);

    // Another team's token cannot override this gate: 403, and no audit record of an override.
    const otherTeam = `other-${suffix}`;
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: otherTeam, name: 'Other team' }).expect(201);
    const other = (await api.http.post(`/api/v1/teams/${otherTeam}/tokens`).set(api.admin).send({ name: 'ci' }).expect(201)).body as {
      id: string;
      token: string;
    };
    const foreign = await api.http
      .get(`/api/v1/services/${service}/deploy-gate`)
      .query({ override: 'p0', reason: 'sneak' })
      .set({ Authorization: `Bearer ${other.token}` });
    expect(foreign.status).toBe(403);
    const afterForeign = await api.http.get('/api/v1/audit').query({ targetType: 'services', targetId: service, limit: 50 }).set(api.admin).expect(200);
    expect((afterForeign.body.items as Array<{ action: string }>).filter((record) => record.action === 'deploy_gate.override')).toHaveLength(1);
  }, 60_000);
});
