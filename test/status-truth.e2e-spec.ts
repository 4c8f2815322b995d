// Issue 20, items 1 and 2, against real PostgreSQL and the real status page:
// a person's manualStatus wins over what SLOs imply (both ways, optionally
// until a time), SLOs move a component only on the tier their policy names,
// and every public incident says something (its summary is its first public
// update), read by the npm `statuspage.js` poller as a Statuspage client would.
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { StatuspageUpdates, Statuspage } from 'statuspage.js';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { loadConfig } from '@app/config';
import { Clock, configureHttpApp, FixedClock } from '@app/platform';
import { type SloStateReading, SloStateSource, StatusRecorder } from '@app/status';
import { ApiAppModule } from '../apps/api/src/app.module';
import { TEST_ADMIN_TOKEN } from './support/api-app';
import { createTestDatabase, TestDatabase } from './support/database';
import { eventually } from './support/poll';
import { RunningStatusPage, startStatusPage } from './support/status-page-app';

class FakeSloStateSource extends SloStateSource {
  readonly states = new Map<string, SloStateReading>();
  async getStates(sloIds: readonly string[]): Promise<ReadonlyMap<string, SloStateReading>> {
    return new Map(sloIds.filter((id) => this.states.has(id)).map((id) => [id, this.states.get(id) as SloStateReading]));
  }
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed JSON of any shape
const START = new Date('2026-12-06T09:00:00.000Z');
const admin = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

describe('status a person controls, and public incidents that say something', () => {
  let database: TestDatabase;
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;
  let page: RunningStatusPage;
  const slos = new FakeSloStateSource();
  const clock = new FixedClock(START);

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = loadConfig({ API_ADMIN_TOKEN: TEST_ADMIN_TOKEN, LOG_LEVEL: 'silent', SCHEDULER_ENABLED: 'false' });
    const moduleRef = await Test.createTestingModule({ imports: [ApiAppModule.forRoot({ config, databaseUrl: database.url })] })
      .overrideProvider(SloStateSource)
      .useValue(slos)
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false });
    configureHttpApp(app, config);
    await app.init();
    http = request(app.getHttpServer());
    await http.post('/api/v1/teams').set(admin).send({ slug: 'payments', name: 'Payments' }).expect(201);
    await http.post('/api/v1/services').set(admin).send({ slug: 'checkout', name: 'Checkout', team: 'payments' }).expect(201);
    // The page derives statuses at its clock's time: the same clock as the API's, so manualStatusUntil passes for both at once.
    page = await startStatusPage({ databaseUrl: database.url, clock });
    // Until its first snapshot the page answers 503 (Retry-After): wait for it.
    await eventually(async () => ((await page.http.get('/api/v2/status.json')).status === 200 ? true : undefined), 'the first snapshot', 60_000, 100);
  }, 120_000);

  afterAll(async () => {
    await page?.close();
    await app?.close();
    await database?.drop();
  });

  const component = async (id: string): Promise<Json> => (await http.get(`/api/v1/status/components/${id}`).set(admin).expect(200)).body;
  const publicStatusOf = async (id: string): Promise<string> =>
    (await page.http.get('/api/v2/components.json').expect(200)).body.components.find((candidate: Json) => candidate.id === id)?.status;
  const publicShows = (id: string, status: string) =>
    eventually(async () => ((await publicStatusOf(id)) === status ? true : undefined), `the status page to show ${status}`, 20_000, 100);

  it('a manual "operational" lowers a burning SLO, until manualStatusUntil; the admin API says why', async () => {
    const sloId = `slo-burning-${Date.now()}`;
    slos.states.set(sloId, { state: 'critical' });
    const created = (
      await http
        .post('/api/v1/status/components')
        .set(admin)
        .send({ name: 'Payments API', sloIds: [sloId] })
        .expect(201)
    ).body;
    expect(created).toMatchObject({ status: 'partial_outage', statusReasons: [{ source: 'slo', sloId, status: 'partial_outage' }], overriddenReasons: [] });
    await publicShows(created.id, 'partial_outage');

    const until = new Date(START.getTime() + 30 * 60_000).toISOString();
    const patched = (
      await http.patch(`/api/v1/status/components/${created.id}`).set(admin).send({ manualStatus: 'operational', manualStatusUntil: until }).expect(200)
    ).body;
    expect(patched).toMatchObject({
      manualStatus: 'operational',
      manualStatusUntil: until,
      status: 'operational',
      statusReasons: [],
      overriddenReasons: [{ source: 'slo', sloId, status: 'partial_outage', sloState: 'critical' }],
    });
    await publicShows(created.id, 'operational');

    // The person's word ends at manualStatusUntil: the status job's next tick brings the SLO back.
    clock.set(new Date(START.getTime() + 31 * 60_000));
    await app.get(StatusRecorder).refresh();
    expect(await component(created.id)).toMatchObject({ status: 'partial_outage', statusReasons: [{ source: 'slo', sloId }] });
    await publicShows(created.id, 'partial_outage');
    clock.set(START);
  });

  it('a manual status lower than an incident does not hide the incident, nor a maintenance', async () => {
    const created = (await http.post('/api/v1/status/components').set(admin).send({ name: 'Search', manualStatus: 'operational' }).expect(201)).body;
    const incident = (
      await http
        .post('/api/v1/incidents')
        .set(admin)
        .send({
          title: 'Search is down',
          summary: 'Searches fail.',
          severity: 'SEV2',
          team: 'payments',
          type: 'deploy',
          visibility: 'public',
          affectedComponents: [{ componentId: created.id, status: 'major_outage' }],
        })
        .expect(201)
    ).body;
    expect(await component(created.id)).toMatchObject({ status: 'major_outage', statusReasons: [{ source: 'incident', incidentId: incident.id }] });
    await publicShows(created.id, 'major_outage');
    await http.patch(`/api/v1/incidents/${incident.id}`).set(admin).send({ status: 'resolved' }).expect(200);
    expect((await component(created.id)).status).toBe('operational');
  });

  it('SLOs move a component only on the tier their policy names (componentStatusOn)', async () => {
    const pageTier = `slo-ticket-default-${Date.now()}`;
    const ticketTier = `slo-ticket-asked-${Date.now()}`;
    slos.states.set(pageTier, { state: 'warning' });
    slos.states.set(ticketTier, { state: 'warning', componentStatusOn: 'ticket' });
    const quiet = (
      await http
        .post('/api/v1/status/components')
        .set(admin)
        .send({ name: 'Ledger', sloIds: [pageTier] })
        .expect(201)
    ).body;
    expect(quiet).toMatchObject({ status: 'operational', statusReasons: [], slos: [{ sloId: pageTier, state: 'warning', componentStatusOn: 'page' }] });
    const moved = (
      await http
        .post('/api/v1/status/components')
        .set(admin)
        .send({ name: 'Invoices', sloIds: [ticketTier] })
        .expect(201)
    ).body;
    expect(moved).toMatchObject({
      status: 'degraded_performance',
      statusReasons: [{ source: 'slo', sloId: ticketTier, status: 'degraded_performance' }],
      slos: [{ componentStatusOn: 'ticket' }],
    });

    // The ticket tier stops burning: the component follows on the next tick.
    slos.states.set(ticketTier, { state: 'ok', componentStatusOn: 'ticket' });
    await app.get(StatusRecorder).refresh();
    expect((await component(moved.id)).status).toBe('operational');
  });

  it.each([
    ['an end in the past', { manualStatus: 'operational', manualStatusUntil: '2026-12-06T08:00:00Z' }],
    ['an end without a manual status', { manualStatusUntil: '2026-12-07T08:00:00Z' }],
    ['an end that is not a time', { manualStatus: 'operational', manualStatusUntil: 'tomorrow' }],
  ])('refuses %s with 400 naming manualStatusUntil, writing nothing', async (_what, body) => {
    const created = (await http.post('/api/v1/status/components').set(admin).send({ name: 'Webhooks' }).expect(201)).body;
    const response = await http.patch(`/api/v1/status/components/${created.id}`).set(admin).send(body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: expect.any(String), message: expect.any(String), field: 'manualStatusUntil' });
    expect(await component(created.id)).toMatchObject({ manualStatus: null, manualStatusUntil: null });
  });

  it('publishes a public incident summary as its first update; the statuspage.js poller reads incidents.json without error', async () => {
    // Later than every other incident of this file: the poller looks at the newest incident's newest update.
    clock.set(new Date(START.getTime() + 2 * 3600_000));
    const created = (await http.post('/api/v1/status/components').set(admin).send({ name: 'Checkout' }).expect(201)).body;
    const incident = (
      await http
        .post('/api/v1/incidents')
        .set(admin)
        .send({
          title: 'Checkout errors',
          summary: 'Some payments fail; we are on it.',
          severity: 'SEV2',
          team: 'payments',
          type: 'deploy',
          visibility: 'public',
          affectedComponents: [{ componentId: created.id, status: 'partial_outage' }],
        })
        .expect(201)
    ).body;
    const listed = await eventually(
      async () => {
        const body = (await page.http.get('/api/v2/incidents.json').expect(200)).body;
        return body.incidents.find((candidate: Json) => candidate.id === incident.id);
      },
      'the incident on the status page',
      20_000,
    );
    expect(listed.incident_updates).toHaveLength(1);
    expect(listed.incident_updates[0]).toMatchObject({ status: 'investigating', body: 'Some payments fail; we are on it.' });
    expect(listed.incident_updates[0].affected_components).toEqual([
      { code: created.id, name: 'Checkout', old_status: 'operational', new_status: 'partial_outage' },
    ]);
    const html = (await page.http.get(`/incidents/${incident.id}`).expect(200)).text;
    expect(html).toContain('Some payments fail; we are on it.');
    expect(html).not.toContain('No updates have been published yet');

    // The poller, as published on npm: its own polling and update detection, pointed at this page.
    const updates = new LocalStatuspageUpdates(page.baseUrl);
    const seen: Json[] = [];
    updates.on('incident_update', (update) => seen.push(update as unknown as Json));
    await updates.fetch();
    expect(() => updates.checkUpdate()).not.toThrow();
    clock.set(new Date(START.getTime() + 2 * 3600_000 + 5 * 60_000));
    await http
      .post(`/api/v1/incidents/${incident.id}/updates`)
      .set(admin)
      .send({ body: 'A fix is being deployed.', public: true, status: 'identified' })
      .expect(201);
    await eventually(
      async () => {
        await updates.fetch();
        return updates.checkUpdate() ? true : undefined;
      },
      'the poller to see the new update',
      20_000,
      200,
    );
    expect(seen[0]).toMatchObject({ id: incident.id, name: 'Checkout errors' });
    expect(seen[0].incident_updates[0].body).toBe('A fix is being deployed.');
    clock.set(START);
  });

  it('an internal incident made public publishes its summary then (and a blank summary still says something)', async () => {
    const incident = (
      await http
        .post('/api/v1/incidents')
        .set(admin)
        .send({ title: 'Queue lag', summary: '  ', severity: 'SEV3', team: 'payments', type: 'deploy', visibility: 'internal' })
        .expect(201)
    ).body;
    const before = (await http.get(`/api/v1/incidents/${incident.id}/timeline`).set(admin).expect(200)).body.items;
    expect(before.filter((event: Json) => event.kind === 'public_update')).toHaveLength(0);
    await http.patch(`/api/v1/incidents/${incident.id}`).set(admin).send({ visibility: 'public', summary: 'Notifications are delayed.' }).expect(200);
    const listed = await eventually(
      async () => {
        const body = (await page.http.get('/api/v2/incidents.json').expect(200)).body;
        return body.incidents.find((candidate: Json) => candidate.id === incident.id);
      },
      'the incident made public',
      20_000,
    );
    expect(listed.incident_updates.map((update: Json) => update.body)).toEqual(['Notifications are delayed.']);

    const blank = (
      await http
        .post('/api/v1/incidents')
        .set(admin)
        .send({ title: 'Login slow', severity: 'SEV3', team: 'payments', type: 'deploy', visibility: 'public' })
        .expect(201)
    ).body;
    const shown = await eventually(
      async () => {
        const body = (await page.http.get('/api/v2/incidents.json').expect(200)).body;
        return body.incidents.find((candidate: Json) => candidate.id === blank.id);
      },
      'the incident without summary',
      20_000,
    );
    expect(shown.incident_updates.map((update: Json) => update.body)).toEqual(['We are currently investigating this issue.']);
  });

  it("shows a resolved incident's component back to Operational, with how long it lasted (screenshot in bench/screens)", async () => {
    // Listed three hours before the incident (today): its uptime is over those hours.
    clock.set(new Date(START.getTime() + 3600_000));
    const created = (await http.post('/api/v1/status/components').set(admin).send({ name: 'Card payments', position: 0 }).expect(201)).body;
    clock.set(new Date(START.getTime() + 4 * 3600_000));
    const incident = (
      await http
        .post('/api/v1/incidents')
        .set(admin)
        .send({
          title: 'Card payments failing',
          summary: 'Some card payments are declined by mistake.',
          severity: 'SEV2',
          team: 'payments',
          type: 'deploy',
          visibility: 'public',
          affectedComponents: [{ componentId: created.id, status: 'major_outage' }],
        })
        .expect(201)
    ).body;
    // The status job's ticks (the scheduler is off here): they record the outage the uptime bar is drawn from.
    await app.get(StatusRecorder).refresh();
    await publicShows(created.id, 'major_outage');
    clock.set(new Date(START.getTime() + 4 * 3600_000 + 47 * 60_000));
    await http
      .post(`/api/v1/incidents/${incident.id}/updates`)
      .set(admin)
      .send({ body: 'Card payments work again.', public: true, status: 'resolved' })
      .expect(201);
    await app.get(StatusRecorder).refresh();
    await publicShows(created.id, 'operational');

    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run', '--disable-component-update', '--disable-sync'],
    });
    try {
      const tab = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      await tab.goto(`${page.baseUrl}/`);
      const card = tab.locator(`#component-${created.id}`);
      expect(await card.locator('.component-status').textContent()).toContain('Operational');
      const recent = await tab.locator('section[aria-labelledby="recent-heading"]').textContent();
      expect(recent).toContain('Card payments failing');
      expect(recent).toContain('Lasted 47 min');
      // 47 minutes of major outage over the 3 h 47 min it has existed: the figure is over its lifetime, not 90 days.
      expect(await card.locator('.uptime-caption').textContent()).toMatch(/Card payments: \d+\.\d\d% uptime since 6 Dec 2026, when it was listed/);
      const screens = resolve(__dirname, '../bench/screens');
      mkdirSync(screens, { recursive: true });
      await tab.screenshot({ path: join(screens, 'resolved-incident-component-operational.png'), fullPage: true });
    } finally {
      await browser.close();
      clock.set(START);
    }
  }, 60_000);

  it('v2: page.updated_at is the last public change (same ETag while nothing public changes); a maintenance links to its own page', async () => {
    clock.set(new Date(START.getTime() + 6 * 3600_000));
    const created = (await http.post('/api/v1/status/components').set(admin).send({ name: 'Reports' }).expect(201)).body;
    const maintenance = (
      await http
        .post('/api/v1/status/maintenances')
        .set(admin)
        .send({
          name: 'Reports database upgrade',
          components: [created.id],
          scheduledFor: new Date(START.getTime() + 30 * 3600_000).toISOString(),
          scheduledUntil: new Date(START.getTime() + 31 * 3600_000).toISOString(),
        })
        .expect(201)
    ).body;
    const listed = await eventually(
      async () => {
        const body = (await page.http.get('/api/v2/scheduled-maintenances.json').expect(200)).body;
        return body.scheduled_maintenances.find((candidate: Json) => candidate.id === maintenance.id);
      },
      'the maintenance on the page',
      20_000,
    );
    expect(listed.shortlink).toBe(`https://status.example.com/maintenances/${maintenance.id}`);
    await page.http.get(`/maintenances/${maintenance.id}`).expect(200);

    const before = await page.http.get('/api/v2/status.json').expect(200);
    const homeBefore = (await page.http.get('/').expect(200)).text;
    // Minutes later a write that changes nothing public (an internal incident): the page rebuilds, its documents do not change.
    clock.set(new Date(START.getTime() + 6 * 3600_000 + 3 * 60_000));
    await http
      .post('/api/v1/incidents')
      .set(admin)
      .send({ title: 'Internal only', summary: 'not for customers', severity: 'SEV4', team: 'payments', type: 'deploy', visibility: 'internal' })
      .expect(201);
    await eventually(
      async () => ((await page.http.get('/').expect(200)).text !== homeBefore ? true : undefined),
      'the page to rebuild at the later time',
      20_000,
      100,
    );
    const after = await page.http.get('/api/v2/status.json').expect(200);
    expect(after.body.page.updated_at).toBe(before.body.page.updated_at);
    expect(after.headers.etag).toBe(before.headers.etag);
    clock.set(START);
  });
});

/**
 * statuspage.js polls `https://<id>.statuspage.io/api/v2`; its public
 * `statuspage` client is replaced (through the documented field) by one that
 * reads this page's incidents.json with the same date handling, so the
 * library's own fetch/checkUpdate logic runs unchanged.
 */
class LocalStatuspageUpdates extends StatuspageUpdates {
  static baseUrl = '';

  constructor(baseUrl: string) {
    LocalStatuspageUpdates.baseUrl = baseUrl;
    super('ballast', 60_000);
  }
}
// An accessor on the subclass: the base constructor's assignment of a statuspage.io client lands in the setter, ignored.
Object.defineProperty(LocalStatuspageUpdates.prototype, 'statuspage', {
  get: () => new LocalStatuspage(LocalStatuspageUpdates.baseUrl),
  set: () => undefined,
});

class LocalStatuspage extends Statuspage {
  constructor(private readonly baseUrl: string) {
    super('ballast');
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the statuspage.js typings say any
  override async allIncidents(): Promise<any> {
    const response = await fetch(`${this.baseUrl}/api/v2/incidents.json`);
    if (!response.ok) throw new Error(`incidents.json answered ${response.status}`);
    const dateFormat = /^(\d{4})(-(\d{2}))??(-(\d{2}))??(T(\d{2}):(\d{2})(:(\d{2}))??(\.(\d+))??(([+-]{1}\d{2}:\d{2})|Z)??)??$/;
    return JSON.parse(await response.text(), (_key, value) => (typeof value === 'string' && dateFormat.test(value) ? new Date(value) : value));
  }
}
