// Status page admin API (/api/v1/status/...) against real PostgreSQL: CRUD and
// validation, derived statuses with their reasons (incidents, maintenance,
// manual override, SLOs through a fake SloStateSource), team-token rules, the
// maintenance lifecycle and the history the uptime bars are drawn from.
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { configureHttpApp, FixedClock } from '@app/platform';
import { SchedulerRegistry } from '@nestjs/schedule';
import { type SloStateReading, SloStateSource, StatusJobs, StatusRecorder } from '@app/status';
import { ApiAppModule } from '../apps/api/src/app.module';
import { RunningApi, startApi, TEST_ADMIN_TOKEN } from './support/api-app';
import { createTestDatabase, TestDatabase } from './support/database';
import { sql } from './support/sql';
import { IncidentFixtures } from './support/status-fixtures';
import { startStatusPage } from './support/status-page-app';

const START = new Date('2026-11-24T09:00:00.000Z');
const minutes = (count: number) => new Date(START.getTime() + count * 60_000);

describe('status page admin API', () => {
  let api: RunningApi;
  let clock: FixedClock;
  let fixtures: IncidentFixtures;
  let teamId: string;
  let otherTeamToken: string;
  let paymentsToken: string;

  beforeAll(async () => {
    clock = new FixedClock(START);
    api = await startApi({ clock });
    fixtures = new IncidentFixtures(api.app.get(DataSource));
    for (const team of ['payments', 'search']) {
      await api.http.post('/api/v1/teams').set(api.admin).send({ slug: team, name: team }).expect(201);
      await api.http
        .post('/api/v1/services')
        .set(api.admin)
        .send({ slug: `${team}-svc`, name: team, team })
        .expect(201);
    }
    teamId = await fixtures.teamId('payments');
    paymentsToken = (await api.http.post('/api/v1/teams/payments/tokens').set(api.admin).send({ name: 'ci' }).expect(201)).body.token;
    otherTeamToken = (await api.http.post('/api/v1/teams/search/tokens').set(api.admin).send({ name: 'ci' }).expect(201)).body.token;
  });

  afterAll(async () => {
    await api?.close();
  });

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('creates, reads, updates and deletes components with server-generated 12-character ids', async () => {
    const group = (await api.http.post('/api/v1/status/component-groups').set(api.admin).send({ name: 'Core' }).expect(201)).body;
    expect(group).toMatchObject({ name: 'Core', components: [], status: 'operational' });
    expect(group.id).toMatch(/^[a-z0-9]{12}$/);
    const created = await api.http
      .post('/api/v1/status/components')
      .set(api.admin)
      .send({ name: 'Checkout', description: 'Paying', groupId: group.id, services: ['payments-svc'], sloIds: ['slo-1'] })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[a-z0-9]{12}$/),
      name: 'Checkout',
      description: 'Paying',
      position: expect.any(Number),
      groupId: group.id,
      onlyShowIfDegraded: false,
      manualStatus: null,
      manualStatusUntil: null,
      services: ['payments-svc'],
      sloIds: ['slo-1'],
      slos: [{ sloId: 'slo-1', state: null, stateChangedAt: null, componentStatusOn: 'page' }],
      status: 'operational',
      statusReasons: [],
      overriddenReasons: [],
      createdAt: START.toISOString(),
      updatedAt: START.toISOString(),
    });
    const id = created.body.id;
    expect((await api.http.get(`/api/v1/status/components/${id}`).set(api.admin).expect(200)).body.name).toBe('Checkout');
    const list = await api.http.get('/api/v1/status/components?limit=10').set(api.admin).expect(200);
    expect(list.body).toMatchObject({ total: 1, limit: 10, offset: 0 });
    expect((await api.http.get(`/api/v1/status/component-groups/${group.id}`).set(api.admin).expect(200)).body.components).toEqual([id]);

    const patched = await api.http
      .patch(`/api/v1/status/components/${id}`)
      .set(api.admin)
      .send({ manualStatus: 'degraded_performance', description: null, sloIds: [] })
      .expect(200);
    expect(patched.body).toMatchObject({
      manualStatus: 'degraded_performance',
      description: null,
      sloIds: [],
      status: 'degraded_performance',
      statusReasons: [{ source: 'manual', status: 'degraded_performance' }],
    });
    const cleared = await api.http.patch(`/api/v1/status/components/${id}`).set(api.admin).send({ manualStatus: null }).expect(200);
    expect(cleared.body).toMatchObject({ manualStatus: null, status: 'operational', statusReasons: [], services: ['payments-svc'] });

    await api.http.delete(`/api/v1/status/components/${id}`).set(api.admin).expect(200);
    await api.http.get(`/api/v1/status/components/${id}`).set(api.admin).expect(404);
    await api.http.delete(`/api/v1/status/component-groups/${group.id}`).set(api.admin).expect(200);
  });

  it('rejects bad input with a 400 naming the field, and needs a token', async () => {
    const bad = async (body: object, field: string, code = 'validation_failed') => {
      const response = await api.http.post('/api/v1/status/components').set(api.admin).send(body).expect(400);
      expect(response.body).toMatchObject({ error: code, field });
    };
    await bad({ name: '' }, 'name');
    await bad({ name: 'x', manualStatus: 'down' }, 'manualStatus');
    await bad({ name: 'x', groupId: 'NOT-AN-ID' }, 'groupId');
    await bad({ name: 'x', groupId: 'aaaaaaaaaaaa' }, 'groupId', 'unknown_group');
    await bad({ name: 'x', services: ['nope'] }, 'services', 'unknown_service');
    await bad({ name: 'x', id: 'aaaaaaaaaaaa' }, 'id');
    await api.http.get('/api/v1/status/components/BAD').set(api.admin).expect(400);
    await api.http.get('/api/v1/status/components/aaaaaaaaaaaa').set(api.admin).expect(404);
    await api.http.patch('/api/v1/status/components/aaaaaaaaaaaa').set(api.admin).send({ name: null }).expect(400);
    const window = await api.http
      .post('/api/v1/status/maintenances')
      .set(api.admin)
      .send({ name: 'm', components: ['aaaaaaaaaaaa'], scheduledFor: minutes(10), scheduledUntil: minutes(5) })
      .expect(400);
    expect(window.body).toMatchObject({ error: 'invalid_window', field: 'scheduledUntil' });
    await api.http.get('/api/v1/status/components').expect(401);
    await api.http.post('/api/v1/status/maintenances').send({}).expect(401);
  });

  it('derives a component status from public incidents, maintenance and the manual override, with reasons', async () => {
    const component = (
      await api.http
        .post('/api/v1/status/components')
        .set(api.admin)
        .send({ name: 'Payments API', services: ['payments-svc'] })
        .expect(201)
    ).body;
    const group = (
      await api.http
        .post('/api/v1/status/component-groups')
        .set(api.admin)
        .send({ name: 'Payments', components: [component.id] })
        .expect(201)
    ).body;
    const get = async () => (await api.http.get(`/api/v1/status/components/${component.id}`).set(api.admin).expect(200)).body;

    const open = await fixtures.declare({
      teamId,
      title: 'Card declines',
      visibility: 'public',
      startedAt: minutes(-5),
      affected: [{ componentId: component.id, status: 'partial_outage' }],
    });
    await fixtures.declare({
      teamId,
      title: 'Secret',
      visibility: 'private',
      startedAt: minutes(-5),
      affected: [{ componentId: component.id, status: 'major_outage' }],
    });
    await fixtures.declare({
      teamId,
      title: 'Internal',
      visibility: 'internal',
      startedAt: minutes(-5),
      affected: [{ componentId: component.id, status: 'major_outage' }],
    });
    await fixtures.declare({
      teamId,
      title: 'Old',
      visibility: 'public',
      status: 'resolved',
      startedAt: minutes(-50),
      resolvedAt: minutes(-40),
      affected: [{ componentId: component.id, status: 'major_outage' }],
    });
    expect(await get()).toMatchObject({
      status: 'partial_outage',
      statusReasons: [{ source: 'incident', status: 'partial_outage', incidentId: open.id, incidentTitle: 'Card declines' }],
    });
    expect((await api.http.get(`/api/v1/status/component-groups/${group.id}`).set(api.admin).expect(200)).body.status).toBe('partial_outage');

    const maintenance = (
      await api.http
        .post('/api/v1/status/maintenances')
        .set(api.admin)
        .send({ name: 'DB failover', components: [component.id], scheduledFor: minutes(-1), scheduledUntil: minutes(60), body: 'Short pause' })
        .expect(201)
    ).body;
    expect(maintenance).toMatchObject({ status: 'in_progress', autoStart: true, autoComplete: true, components: [component.id] });
    await api.http.patch(`/api/v1/status/components/${component.id}`).set(api.admin).send({ manualStatus: 'major_outage' }).expect(200);
    const derived = await get();
    expect(derived.status).toBe('major_outage');
    expect(derived.statusReasons).toEqual([
      { source: 'manual', status: 'major_outage' },
      { source: 'incident', status: 'partial_outage', incidentId: open.id, incidentTitle: 'Card declines' },
      { source: 'maintenance', status: 'under_maintenance', maintenanceId: maintenance.id, maintenanceName: 'DB failover' },
    ]);

    await api.http.patch(`/api/v1/status/components/${component.id}`).set(api.admin).send({ manualStatus: null }).expect(200);
    await fixtures.update(open.id, { status: 'resolved', resolvedAt: minutes(0) });
    expect(await get()).toMatchObject({ status: 'under_maintenance', statusReasons: [{ source: 'maintenance', maintenanceId: maintenance.id }] });
    await api.http.delete(`/api/v1/status/maintenances/${maintenance.id}`).set(api.admin).expect(200);
    expect(await get()).toMatchObject({ status: 'operational', statusReasons: [] });
  });

  it('takes the affected-component status of incidents declared through the incidents API', async () => {
    const component = (await api.http.post('/api/v1/status/components').set(api.admin).send({ name: 'Declared' }).expect(201)).body;
    const declared = await api.http
      .post('/api/v1/incidents')
      .set(api.admin)
      .send({
        title: 'Login failures',
        summary: 'internal',
        severity: 'SEV2',
        team: 'payments',
        type: 'deploy',
        visibility: 'public',
        affectedComponents: [{ componentId: component.id, status: 'major_outage' }],
      })
      .expect(201);
    const unknown = await api.http
      .post('/api/v1/incidents')
      .set(api.admin)
      .send({
        title: 'Typo',
        severity: 'SEV3',
        team: 'payments',
        type: 'deploy',
        visibility: 'public',
        affectedComponents: [{ componentId: 'zzzzzzzzzzzz', status: 'major_outage' }],
      })
      .expect(400);
    expect(unknown.body).toMatchObject({ field: 'affectedComponents', error: 'unknown_component' });
    const view = (await api.http.get(`/api/v1/status/components/${component.id}`).set(api.admin).expect(200)).body;
    expect(view).toMatchObject({
      status: 'major_outage',
      statusReasons: [{ source: 'incident', status: 'major_outage', incidentId: declared.body.id, incidentTitle: 'Login failures' }],
    });
  });

  it('lets a team token change only components linked solely to its services, and maintenance on them', async () => {
    const own = (
      await api.http
        .post('/api/v1/status/components')
        .set(api.admin)
        .send({ name: 'Own', services: ['payments-svc'] })
        .expect(201)
    ).body;
    const other = (
      await api.http
        .post('/api/v1/status/components')
        .set(api.admin)
        .send({ name: 'Other', services: ['search-svc'] })
        .expect(201)
    ).body;
    const unlinked = (await api.http.post('/api/v1/status/components').set(api.admin).send({ name: 'Unlinked' }).expect(201)).body;

    await api.http.patch(`/api/v1/status/components/${own.id}`).set(bearer(paymentsToken)).send({ manualStatus: 'degraded_performance' }).expect(200);
    await api.http.patch(`/api/v1/status/components/${other.id}`).set(bearer(paymentsToken)).send({ manualStatus: 'degraded_performance' }).expect(403);
    await api.http.patch(`/api/v1/status/components/${unlinked.id}`).set(bearer(paymentsToken)).send({ name: 'Mine now' }).expect(403);
    await api.http
      .patch(`/api/v1/status/components/${own.id}`)
      .set(bearer(paymentsToken))
      .send({ services: ['payments-svc', 'search-svc'] })
      .expect(403);
    await api.http.patch(`/api/v1/status/components/${own.id}`).set(bearer(paymentsToken)).send({ position: 1 }).expect(403);
    await api.http.post('/api/v1/status/components').set(bearer(paymentsToken)).send({ name: 'New' }).expect(403);
    await api.http.delete(`/api/v1/status/components/${own.id}`).set(bearer(paymentsToken)).expect(403);
    await api.http.post('/api/v1/status/component-groups').set(bearer(paymentsToken)).send({ name: 'Mine' }).expect(403);

    const window = { scheduledFor: minutes(60), scheduledUntil: minutes(120) };
    const mine = await api.http
      .post('/api/v1/status/maintenances')
      .set(bearer(paymentsToken))
      .send({ name: 'Mine', components: [own.id], ...window })
      .expect(201);
    await api.http
      .post('/api/v1/status/maintenances')
      .set(bearer(paymentsToken))
      .send({ name: 'Theirs', components: [own.id, other.id], ...window })
      .expect(403);
    await api.http.patch(`/api/v1/status/maintenances/${mine.body.id}`).set(bearer(otherTeamToken)).send({ name: 'Hijack' }).expect(403);
    await api.http
      .patch(`/api/v1/status/maintenances/${mine.body.id}`)
      .set(bearer(paymentsToken))
      .send({ components: [own.id, other.id] })
      .expect(403);
    // Reading is open to any valid token.
    await api.http.get(`/api/v1/status/components/${other.id}`).set(bearer(paymentsToken)).expect(200);
    await api.http.get('/api/v1/status/maintenances').set(bearer(otherTeamToken)).expect(200);
  });

  it('starts and completes maintenance at its times unless set by hand, from several replicas at once', async () => {
    const component = (await api.http.post('/api/v1/status/components').set(api.admin).send({ name: 'Batch' }).expect(201)).body;
    const create = async (name: string, extra: Record<string, unknown> = {}) =>
      (
        await api.http
          .post('/api/v1/status/maintenances')
          .set(api.admin)
          .send({ name, components: [component.id], scheduledFor: minutes(10), scheduledUntil: minutes(20), ...extra })
          .expect(201)
      ).body;
    const auto = await create('Auto');
    const manualStart = await create('Held', { autoStart: false });
    const verifying = await create('Checked by hand');
    const get = async (id: string) => (await api.http.get(`/api/v1/status/maintenances/${id}`).set(api.admin).expect(200)).body;
    expect(auto.status).toBe('scheduled');

    clock.set(minutes(10));
    expect((await get(auto.id)).status).toBe('in_progress');
    // Two replicas run the job at the same moment: each due move happens once.
    const recorder = api.app.get(StatusRecorder);
    const [first, second] = await Promise.all([recorder.applyMaintenanceMoves(clock.now()), recorder.applyMaintenanceMoves(clock.now())]);
    expect(first.started + second.started).toBe(2);
    const stored = await sql(api.database.url, `SELECT id, status, started_at FROM status_maintenances WHERE id = ANY($1) ORDER BY name`, [
      [auto.id, manualStart.id, verifying.id],
    ]);
    expect(stored.map((row) => [row.id, row.status])).toEqual([
      [auto.id, 'in_progress'],
      [verifying.id, 'in_progress'],
      [manualStart.id, 'scheduled'],
    ]);
    expect((stored[0].started_at as Date).toISOString()).toBe(minutes(10).toISOString());

    await api.http.patch(`/api/v1/status/maintenances/${verifying.id}`).set(api.admin).send({ status: 'verifying' }).expect(200);
    const backwards = await api.http.patch(`/api/v1/status/maintenances/${verifying.id}`).set(api.admin).send({ status: 'scheduled' }).expect(409);
    expect(backwards.body).toMatchObject({ error: 'invalid_maintenance_transition', field: 'status' });

    clock.set(minutes(25));
    await Promise.all([recorder.refresh(clock.now()), recorder.refresh(clock.now())]);
    expect((await get(auto.id)).status).toBe('completed');
    expect((await get(auto.id)).completedAt).toBe(minutes(20).toISOString());
    expect((await get(verifying.id)).status).toBe('verifying');
    expect((await get(manualStart.id)).status).toBe('scheduled');
    await api.http.patch(`/api/v1/status/maintenances/${verifying.id}`).set(api.admin).send({ status: 'completed' }).expect(200);
    await api.http.patch(`/api/v1/status/maintenances/${verifying.id}`).set(api.admin).send({ status: 'in_progress' }).expect(409);
  });

  it('records each change of the derived status once, even with concurrent recorders', async () => {
    clock.set(minutes(25));
    const component = (await api.http.post('/api/v1/status/components').set(api.admin).send({ name: 'Recorded' }).expect(201)).body;
    const recorder = api.app.get(StatusRecorder);
    clock.set(minutes(30));
    const incident = await fixtures.declare({
      teamId,
      title: 'Outage',
      visibility: 'public',
      startedAt: minutes(30),
      affected: [{ componentId: component.id, status: 'major_outage' }],
    });
    await Promise.all([recorder.recordHistory(clock.now()), recorder.recordHistory(clock.now()), recorder.recordHistory(clock.now())]);
    clock.set(minutes(45));
    await fixtures.update(incident.id, { status: 'resolved', resolvedAt: minutes(45) });
    await Promise.all([recorder.recordHistory(clock.now()), recorder.recordHistory(clock.now())]);
    const rows = await sql(api.database.url, `SELECT status, started_at, ended_at FROM status_component_history WHERE component_id = $1 ORDER BY started_at`, [
      component.id,
    ]);
    expect(rows.map((row) => [row.status, (row.started_at as Date).toISOString(), row.ended_at && (row.ended_at as Date).toISOString()])).toEqual([
      ['operational', minutes(25).toISOString(), minutes(30).toISOString()],
      ['major_outage', minutes(30).toISOString(), minutes(45).toISOString()],
      ['operational', minutes(45).toISOString(), null],
    ]);
  });
});

describe('status job with SCHEDULER_ENABLED', () => {
  it('registers the status job once and its tick records history', async () => {
    const api = await startApi({ env: { SCHEDULER_ENABLED: 'true' } });
    try {
      expect(api.app.get(SchedulerRegistry).getIntervals()).toContain('status-page-refresh');
      const component = (await api.http.post('/api/v1/status/components').set(api.admin).send({ name: 'Ticked' }).expect(201)).body;
      await sql(api.database.url, `DELETE FROM status_component_history`);
      await api.app.get(StatusJobs).tick();
      expect(await sql(api.database.url, `SELECT status FROM status_component_history WHERE component_id = $1 AND ended_at IS NULL`, [component.id])).toEqual([
        { status: 'operational' },
      ]);
    } finally {
      await api.close();
    }
  });
});

class FakeSloStateSource extends SloStateSource {
  readonly states = new Map<string, SloStateReading>();
  async getStates(sloIds: readonly string[]): Promise<ReadonlyMap<string, SloStateReading>> {
    return new Map(sloIds.filter((id) => this.states.has(id)).map((id) => [id, this.states.get(id) as SloStateReading]));
  }
}

describe('SLO-derived component status (SloStateSource port)', () => {
  let database: TestDatabase;
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;
  const slos = new FakeSloStateSource();

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = loadConfig({ API_ADMIN_TOKEN: TEST_ADMIN_TOKEN, LOG_LEVEL: 'silent', SCHEDULER_ENABLED: 'false' });
    const moduleRef = await Test.createTestingModule({ imports: [ApiAppModule.forRoot({ config, databaseUrl: database.url })] })
      .overrideProvider(SloStateSource)
      .useValue(slos)
      .compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false });
    configureHttpApp(app, config);
    await app.init();
    http = request(app.getHttpServer());
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('maps a burning page tier to partial_outage and a ticket tier to degraded, never no_data, and never publishes SLO ids', async () => {
    const admin = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
    slos.states.set('slo-page', { state: 'critical' });
    // The ticket tier moves a component only when the SLO's policy says componentStatusOn: ticket.
    slos.states.set('slo-ticket', { state: 'warning', componentStatusOn: 'ticket' });
    slos.states.set('slo-nodata', { state: 'no_data' });
    const burning = (
      await http
        .post('/api/v1/status/components')
        .set(admin)
        .send({ name: 'Checkout', sloIds: ['slo-page', 'slo-ticket', 'slo-nodata', 'slo-unknown'] })
        .expect(201)
    ).body;
    expect(burning.status).toBe('partial_outage');
    expect(burning.statusReasons).toEqual([
      { source: 'slo', status: 'partial_outage', sloId: 'slo-page', sloState: 'critical' },
      { source: 'slo', status: 'degraded_performance', sloId: 'slo-ticket', sloState: 'warning' },
    ]);
    expect(burning.slos).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ sloId: 'slo-nodata', state: 'no_data' }),
        expect.objectContaining({ sloId: 'slo-unknown', state: null }),
      ]),
    );
    const quiet = (
      await http
        .post('/api/v1/status/components')
        .set(admin)
        .send({ name: 'Search', sloIds: ['slo-nodata'] })
        .expect(201)
    ).body;
    expect(quiet).toMatchObject({ status: 'operational', statusReasons: [] });

    // The public page reads the synced states from the database: same status, no SLO internals.
    const page = await startStatusPage({ databaseUrl: database.url });
    try {
      const summary = (await page.http.get('/api/v2/summary.json').expect(200)).text;
      expect(JSON.parse(summary).components.find((component: { id: string }) => component.id === burning.id).status).toBe('partial_outage');
      expect(summary).not.toMatch(/slo-|critical|warning|no_data/);
      expect((await page.http.get('/').expect(200)).text).not.toMatch(/slo-page|slo-ticket/);

      // The engine recovers: the next job tick syncs it and the component is operational again.
      slos.states.set('slo-page', { state: 'ok' });
      slos.states.set('slo-ticket', { state: 'stale' });
      await app.get(StatusRecorder).refresh();
      expect((await http.get(`/api/v1/status/components/${burning.id}`).set(admin).expect(200)).body).toMatchObject({
        status: 'operational',
        statusReasons: [],
      });
      await page.snapshots.refreshNow();
      expect(
        (await page.http.get('/api/v2/components.json').expect(200)).body.components.every(
          (component: { status: string }) => component.status === 'operational',
        ),
      ).toBe(true);
    } finally {
      await page.close();
    }
  });
});
