import { FixedClock } from '@app/platform';
import { RunningApi, startApi } from './support/api-app';

describe('incidents REST API', () => {
  let api: RunningApi;
  const clock = new FixedClock(new Date('2026-11-20T10:00:00Z'));
  let payments: { Authorization: string };
  let search: { Authorization: string };

  beforeAll(async () => {
    api = await startApi({ clock });
    for (const slug of ['payments', 'search']) {
      await api.http.post('/api/v1/teams').set(api.admin).send({ slug, name: slug }).expect(201);
    }
    await api.http.post('/api/v1/services').set(api.admin).send({ slug: 'checkout', name: 'Checkout', team: 'payments' }).expect(201);
    const token = async (team: string) => ({
      Authorization: `Bearer ${(await api.http.post(`/api/v1/teams/${team}/tokens`).set(api.admin).send({ name: 't' })).body.token}`,
    });
    payments = await token('payments');
    search = await token('search');
  });
  afterAll(async () => {
    await api.close();
  });

  const declare = (headers: Record<string, string>, body: Record<string, unknown> = {}) =>
    api.http
      .post('/api/v1/incidents')
      .set(headers)
      .send({
        title: 'Checkout errors',
        summary: '5xx on /pay',
        severity: 'SEV2',
        team: 'payments',
        type: 'deploy',
        services: ['checkout'],
        visibility: 'public',
        ...body,
      });

  it('declares, updates and resolves an incident with a complete timeline and clock', async () => {
    clock.set(new Date('2026-11-20T10:00:00Z'));
    const created = await declare(payments, { startedAt: '2026-11-20T09:50:00Z' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      reference: expect.stringMatching(/^INC-\d+$/),
      title: 'Checkout errors',
      severity: 'SEV2',
      status: 'investigating',
      type: 'deploy',
      team: 'payments',
      services: ['checkout'],
      visibility: 'public',
      source: 'api',
      startedAt: '2026-11-20T09:50:00.000Z',
      detectedAt: '2026-11-20T10:00:00.000Z',
      acknowledgedAt: '2026-11-20T10:00:00.000Z',
      resolvedAt: null,
    });
    const id = created.body.id as string;

    clock.set(new Date('2026-11-20T10:05:00Z'));
    const identified = await api.http
      .post(`/api/v1/incidents/${id}/updates`)
      .set(payments)
      .send({ body: 'Bad deploy of checkout 4.2', public: true, status: 'identified' });
    expect(identified.status).toBe(201);
    expect(identified.body.incident.status).toBe('identified');
    expect(identified.body.event).toMatchObject({ kind: 'public_update', public: true, body: 'Bad deploy of checkout 4.2', status: 'identified' });

    clock.set(new Date('2026-11-20T10:07:00Z'));
    await api.http.post(`/api/v1/incidents/${id}/updates`).set(payments).send({ body: 'rollback owner: alice', public: false }).expect(201);

    clock.set(new Date('2026-11-20T10:20:00Z'));
    const patched = await api.http.patch(`/api/v1/incidents/${id}`).set(payments).send({ status: 'monitoring', severity: 'SEV3', commander: 'U01ALICE' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ status: 'monitoring', severity: 'SEV3', commander: 'U01ALICE', mitigatedAt: '2026-11-20T10:20:00.000Z' });

    clock.set(new Date('2026-11-20T11:00:00Z'));
    const resolved = await api.http.patch(`/api/v1/incidents/${created.body.reference}`).set(payments).send({ status: 'resolved' });
    expect(resolved.body).toMatchObject({ status: 'resolved', resolvedAt: '2026-11-20T11:00:00.000Z', mitigatedAt: '2026-11-20T10:20:00.000Z' });

    const timeline = await api.http.get(`/api/v1/incidents/${id}/timeline`).set(payments);
    expect(timeline.status).toBe(200);
    expect(timeline.body.items.map((event: { kind: string }) => event.kind)).toEqual([
      'declared',
      // A public incident's summary is its first public update.
      'public_update',
      'status_changed',
      'public_update',
      'internal_note',
      'severity_changed',
      'role_changed',
      'status_changed',
      'status_changed',
    ]);
    const statusChange = timeline.body.items.find(
      (event: { kind: string; data: { to: string } }) => event.kind === 'status_changed' && event.data.to === 'resolved',
    );
    expect(statusChange.data).toEqual({ from: 'monitoring', to: 'resolved', reopened: false });
    expect(timeline.body.items.every((event: { author: string }) => event.author.startsWith('token:'))).toBe(true);
  });

  it('rejects an illegal transition with 409 naming status and changes nothing', async () => {
    const created = (await declare(payments)).body;
    await api.http.patch(`/api/v1/incidents/${created.id}`).set(payments).send({ status: 'resolved' }).expect(200);
    const illegal = await api.http.patch(`/api/v1/incidents/${created.id}`).set(payments).send({ status: 'monitoring', severity: 'SEV1' });
    expect(illegal.status).toBe(409);
    expect(illegal.body).toMatchObject({ error: 'invalid_transition', field: 'status' });
    const after = await api.http.get(`/api/v1/incidents/${created.id}`).set(payments);
    expect(after.body).toMatchObject({ status: 'resolved', severity: 'SEV2' });
    const reopened = await api.http.patch(`/api/v1/incidents/${created.id}`).set(payments).send({ status: 'investigating' });
    expect(reopened.body).toMatchObject({ status: 'investigating', resolvedAt: null });
  });

  it('returns the same incident for a retried Idempotency-Key', async () => {
    const first = await declare(payments).set('Idempotency-Key', 'deploy-42');
    const second = await declare(payments).set('Idempotency-Key', 'deploy-42');
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    const concurrent = await Promise.all(Array.from({ length: 8 }, () => declare(payments).set('Idempotency-Key', 'burst-1')));
    expect(new Set(concurrent.map((response) => response.body.id)).size).toBe(1);
    expect(concurrent.filter((response) => response.status === 201)).toHaveLength(1);
  });

  it.each([
    [{ severity: 'SEV5' }, 'severity'],
    [{ title: '' }, 'title'],
    [{ title: 'x'.repeat(121) }, 'title'],
    [{ visibility: 'secret' }, 'visibility'],
    [{ team: 'ghosts' }, 'team'],
    [{ type: 'meteor' }, 'type'],
    [{ services: ['nope'] }, 'services'],
    [{ startedAt: 'yesterday' }, 'startedAt'],
    [{ startedAt: '2030-01-01T00:00:00Z' }, 'startedAt'],
    [{ affectedComponents: [{ componentId: 'short', status: 'major_outage' }] }, 'affectedComponents.0.componentId'],
    [{ affectedComponents: [{ componentId: 'abcdefabcdef', status: 'on_fire' }] }, 'affectedComponents.0.status'],
    [{ affectedComponents: [{ componentId: 'abcdefabcdef', status: 'major_outage' }] }, 'affectedComponents'],
    [{ owner: 'me' }, 'owner'],
  ])('answers %j with 400 naming %s and stores nothing', async (body, field) => {
    const before = (await api.http.get('/api/v1/incidents?limit=1').set(api.admin)).body.total;
    const response = await declare(api.admin, body);
    expect(response.status).toBe(400);
    expect(response.body.field ?? response.body.details?.[0]?.field).toBe(field);
    expect((await api.http.get('/api/v1/incidents?limit=1').set(api.admin)).body.total).toBe(before);
  });

  it('scopes team tokens: 403 on another team, private incidents invisible to other teams', async () => {
    expect((await declare(search)).status).toBe(403);
    const privateIncident = (await declare(payments, { visibility: 'private', title: 'Card data exposure' })).body;
    const internal = (await declare(payments, { visibility: 'internal', title: 'Internal only' })).body;

    expect((await api.http.get(`/api/v1/incidents/${privateIncident.id}`).set(search)).status).toBe(404);
    expect((await api.http.get(`/api/v1/incidents/${privateIncident.id}/timeline`).set(search)).status).toBe(404);
    expect((await api.http.patch(`/api/v1/incidents/${privateIncident.id}`).set(search).send({ status: 'resolved' })).status).toBe(404);
    expect((await api.http.get(`/api/v1/incidents/${privateIncident.id}`).set(payments)).status).toBe(200);
    expect((await api.http.get(`/api/v1/incidents/${privateIncident.id}`).set(api.admin)).status).toBe(200);

    expect((await api.http.get(`/api/v1/incidents/${internal.id}`).set(search)).status).toBe(200);
    expect((await api.http.patch(`/api/v1/incidents/${internal.id}`).set(search).send({ status: 'resolved' })).status).toBe(403);
    expect((await api.http.post(`/api/v1/incidents/${internal.id}/updates`).set(search).send({ body: 'x', public: true })).status).toBe(403);

    const seenBySearch = (await api.http.get('/api/v1/incidents?team=payments&limit=200').set(search)).body.items.map(
      (incident: { id: string }) => incident.id,
    );
    expect(seenBySearch).toContain(internal.id);
    expect(seenBySearch).not.toContain(privateIncident.id);
    const seenByPayments = (await api.http.get('/api/v1/incidents?team=payments&limit=200').set(payments)).body.items.map(
      (incident: { id: string }) => incident.id,
    );
    expect(seenByPayments).toContain(privateIncident.id);
    expect((await api.http.get('/api/v1/incidents')).status).toBe(401);
  });

  it('filters by status and open, and rejects bad filters', async () => {
    const open = (await api.http.get('/api/v1/incidents?open=true&limit=200').set(api.admin)).body.items;
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((incident: { resolvedAt: string | null }) => incident.resolvedAt === null)).toBe(true);
    const resolved = (await api.http.get('/api/v1/incidents?status=resolved&limit=200').set(api.admin)).body.items;
    expect(resolved.every((incident: { status: string }) => incident.status === 'resolved')).toBe(true);
    expect((await api.http.get('/api/v1/incidents?open=maybe').set(api.admin)).body.field).toBe('open');
    expect((await api.http.get('/api/v1/incidents/not-an-id').set(api.admin)).status).toBe(400);
    expect((await api.http.get('/api/v1/incidents/INC-99999').set(api.admin)).status).toBe(404);
  });
});

describe('incident types', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi();
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'payments', name: 'Payments' }).expect(201);
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'search', name: 'Search' }).expect(201);
  });
  afterAll(async () => {
    await api.close();
  });

  it('lists the global types and lets a team add its own, usable only by that team', async () => {
    const global = (await api.http.get('/api/v1/incident-types').set(api.admin)).body.items.map((type: { slug: string }) => type.slug);
    expect(global).toEqual(['capacity', 'config', 'dependency', 'deploy', 'other', 'security']);
    const added = await api.http.post('/api/v1/teams/payments/incident-types').set(api.admin).send({ slug: 'psp-outage', label: 'Payment provider outage' });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ slug: 'psp-outage', label: 'Payment provider outage', team: 'payments' });
    expect((await api.http.post('/api/v1/teams/payments/incident-types').set(api.admin).send({ slug: 'deploy', label: 'Deploy' })).status).toBe(409);

    const forPayments = (await api.http.get('/api/v1/incident-types?team=payments').set(api.admin)).body.items.map((type: { slug: string }) => type.slug);
    expect(forPayments).toContain('psp-outage');
    const base = { title: 'PSP down', severity: 'SEV2', type: 'psp-outage' };
    expect(
      (
        await api.http
          .post('/api/v1/incidents')
          .set(api.admin)
          .send({ ...base, team: 'payments' })
      ).status,
    ).toBe(201);
    const wrongTeam = await api.http
      .post('/api/v1/incidents')
      .set(api.admin)
      .send({ ...base, team: 'search' });
    expect(wrongTeam.status).toBe(400);
    expect(wrongTeam.body.field).toBe('type');
  });
});
