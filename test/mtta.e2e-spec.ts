import { IncidentsService } from '@app/incidents';
import { FixedClock } from '@app/platform';
import { RunningApi, startApi } from './support/api-app';

const MINUTE = 60_000;

/** Issue 21 item 8: MTTA = detected → first acknowledgement by a person; self-declared incidents are counted apart. */
describe('MTTA over person acknowledgements', () => {
  let api: RunningApi;
  const clock = new FixedClock(new Date('2026-11-20T10:00:00Z'));

  beforeAll(async () => {
    api = await startApi({ clock });
  });
  afterAll(async () => {
    await api.close();
  });

  it('records self-declared and person acknowledgements and reports MTTA over the latter only', async () => {
    const team = 'mtta-team';
    expect((await api.http.post('/api/v1/teams').set(api.admin).send({ slug: team, name: team })).status).toBe(201);
    const incidents = api.app.get(IncidentsService);

    // Declared by a person (API token): acknowledged by declaring it, self-declared.
    const declared = await api.http.post('/api/v1/incidents').set(api.admin).send({ title: 'Checkout slow', severity: 'SEV2', team, type: 'deploy' });
    expect(declared.status).toBe(201);
    expect(declared.body).toMatchObject({
      acknowledgedAt: '2026-11-20T10:00:00.000Z',
      acknowledgedVia: 'self_declared',
      acknowledgedBy: expect.stringMatching(/^token:/),
    });

    // Opened by automation (SLO burn): unacknowledged until a person presses Acknowledge 5 minutes later.
    const { incident: automated } = await incidents.declareIncident(
      { title: 'Budget burn', severity: 'SEV2', team, type: 'deploy', source: 'slo' },
      { kind: 'system', component: 'slo' },
    );
    expect(automated.acknowledgedAt).toBeNull();
    expect(automated.acknowledgedVia).toBeNull();
    clock.advance(5 * MINUTE);
    const { firstAcknowledgement } = await incidents.acknowledgeIncident(automated.id, { kind: 'slack_user', slackUserId: 'U0BOB' }, 'button');
    expect(firstAcknowledgement).toBe(true);
    // A second acknowledgement changes neither the time nor who.
    clock.advance(MINUTE);
    await incidents.acknowledgeIncident(automated.id, { kind: 'slack_user', slackUserId: 'U0CAROL' }, 'slash_command');
    const acknowledged = (await api.http.get(`/api/v1/incidents/${automated.id}`).set(api.admin)).body;
    expect(acknowledged).toMatchObject({ acknowledgedAt: '2026-11-20T10:05:00.000Z', acknowledgedVia: 'person', acknowledgedBy: 'slack:U0BOB' });

    for (const id of [declared.body.id, automated.id]) {
      expect((await api.http.patch(`/api/v1/incidents/${id}`).set(api.admin).send({ status: 'resolved' })).status).toBe(200);
    }
    const insights = async () => {
      const response = await api.http.get(`/api/v1/insights/incidents?from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z&team=${team}`).set(api.admin);
      expect(response.status).toBe(200);
      return { team: response.body.byTeam[0], type: response.body.byType[0] };
    };
    const before = await insights();
    expect(before.team).toMatchObject({ team, count: 2, mttaSeconds: { median: 300, p90: 300 }, selfDeclared: 1 });
    expect(before.type).toMatchObject({ type: 'deploy', mttaSeconds: { median: 300, p90: 300 }, selfDeclared: 1 });

    // A person gives the real acknowledgement time of the declared one: it now counts in MTTA.
    const edited = await api.http.patch(`/api/v1/incidents/${declared.body.id}`).set(api.admin).send({ acknowledgedAt: '2026-11-20T10:01:00Z' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ acknowledgedAt: '2026-11-20T10:01:00.000Z', acknowledgedVia: 'person' });
    const after = await insights();
    expect(after.team).toMatchObject({ count: 2, mttaSeconds: { median: 180, p90: 276 }, selfDeclared: 0 });
  });

  it('classifies imported history with an acknowledgement as import, counted in MTTA', async () => {
    const team = 'mtta-import';
    expect((await api.http.post('/api/v1/teams').set(api.admin).send({ slug: team, name: team })).status).toBe(201);
    const imported = await api.http.post('/api/v1/incidents').set(api.admin).send({
      title: 'Old outage',
      severity: 'SEV2',
      team,
      type: 'deploy',
      announce: false,
      startedAt: '2026-11-01T10:00:00Z',
      detectedAt: '2026-11-01T10:02:00Z',
      acknowledgedAt: '2026-11-01T10:12:00Z',
      status: 'resolved',
      resolvedAt: '2026-11-01T11:00:00Z',
    });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ acknowledgedVia: 'import', acknowledgedBy: null });
    const response = await api.http.get(`/api/v1/insights/incidents?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z&team=${team}`).set(api.admin);
    expect(response.body.byTeam[0]).toMatchObject({ mttaSeconds: { median: 600, p90: 600 }, selfDeclared: 0 });
  });
});
