// The loop: an SLO burning its budget opens an incident for the owning team,
// the team hears about it, the end of the burn lands on the timeline, and the
// linked status component moves. Real Prometheus with generated history; the
// API's clock is moved across the burst.
import { DataSource } from 'typeorm';
import { FixedClock } from '@app/platform';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { DIGEST_RETRY_AFTER_MS, WeeklyDigestService } from '../apps/api/src/digest/weekly-digest.service';
import { TeamNotifier } from '../apps/api/src/notifications/team-notifier';
import { RunningApi, startApi } from './support/api-app';
import { eventually } from './support/poll';
import { renderOpenMetrics } from './support/openmetrics';
import { RunningPrometheus, startPrometheus } from './support/prometheus';
import { buildSyntheticHistory } from './support/synthetic-traffic';

const NOW = new Date(Date.parse('2025-03-03T12:00:00Z'));
const MINUTE = 60_000;

describe('SLO burn → incident → status page (error budget policy)', () => {
  let prometheus: RunningPrometheus;
  let api: RunningApi;
  const clock = new FixedClock(new Date(NOW.getTime() - 120 * MINUTE));
  const notifications: { team: string; text: string }[] = [];
  const slackErring = new Set<string>();
  const slackSlow = new Map<string, Promise<void>>();
  let sloId: string;
  let componentId: string;
  /** Both replicas' settings: this Prometheus, the digest due Mondays at 13:00 UTC. */
  const apiEnv = () => ({ PROMETHEUS_URL: prometheus.url, DIGEST_DAY: 'monday', DIGEST_HOUR_UTC: '13' });

  beforeAll(async () => {
    const history = buildSyntheticHistory({ now: NOW.getTime() / 1000, days: 31 });
    prometheus = await startPrometheus({ openMetrics: renderOpenMetrics(history.families) });
    api = await startApi({ clock, env: apiEnv() });
    jest.spyOn(api.app.get(TeamNotifier), 'notifyTeam').mockImplementation(async (team, text) => {
      // A team in slackErring: Slack answered with an error, nothing reached the channel. In slackSlow: the answer comes when the promise settles.
      if (slackErring.has(team.slug)) return 'failed';
      await slackSlow.get(team.slug);
      notifications.push({ team: team.slug, text });
      return 'delivered';
    });
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'payments', name: 'Payments' }).expect(201);
    await api.http.post('/api/v1/services').set(api.admin).send({ slug: 'checkout', name: 'Checkout', team: 'payments' }).expect(201);
    const burst = history.scenarios.find((scenario) => scenario.name === 'burst');
    if (!burst) throw new Error('no burst scenario');

    const component = await api.http
      .post('/api/v1/status/components')
      .set(api.admin)
      .send({ name: 'Checkout', services: ['checkout'] });
    expect(component.status).toBe(201);
    componentId = component.body.id;
    const created = await api.http
      .post('/api/v1/slos')
      .set(api.admin)
      .send({
        service: 'checkout',
        name: 'checkout-availability',
        objective: 0.999,
        window: '28d',
        indicator: burst.indicator,
        policy: { openIncident: true, severity: 'SEV2', statusComponentId: componentId, publicIncident: true, autoResolveAfterMinutes: 30 },
      });
    expect(created.status).toBe(201);
    sloId = created.body.id;
    await api.http
      .patch(`/api/v1/status/components/${componentId}`)
      .set(api.admin)
      .send({ sloIds: [sloId] })
      .expect(200);
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await prometheus?.stop();
  });

  const evaluate = async () => {
    const response = await api.http.post(`/api/v1/slos/${sloId}/evaluate`).set(api.admin);
    expect(response.status).toBe(200);
    return response.body;
  };
  /** A second API replica on the same database and clock, whose team notifications are recorded (and delivered). */
  const startSecondReplica = async () => {
    const second = await startApi({ clock, database: api.database, keepDatabase: true, env: apiEnv() });
    const secondNotes: { team: string; text: string }[] = [];
    jest.spyOn(second.app.get(TeamNotifier), 'notifyTeam').mockImplementation(async (team, text) => {
      secondNotes.push({ team: team.slug, text });
      return 'delivered';
    });
    return { second, secondNotes };
  };
  const openIncidents = async () => (await api.http.get('/api/v1/incidents?source=slo&limit=50').set(api.admin)).body.items as Array<Record<string, unknown>>;

  it('opens one public incident for the owning team when the page tier starts burning', async () => {
    const before = await evaluate();
    expect(before.status?.state ?? before.state).not.toBe('critical');
    expect(await openIncidents()).toHaveLength(0);

    clock.set(NOW);
    const during = await evaluate();
    expect(during.status?.state ?? during.state).toBe('critical');
    const [incident] = await eventually(async () => {
      const list = await openIncidents();
      return list.length > 0 ? list : undefined;
    }, 'the SLO incident');
    expect(incident).toMatchObject({
      source: 'slo',
      team: 'payments',
      severity: 'SEV2',
      visibility: 'public',
      services: ['checkout'],
      status: 'investigating',
      acknowledgedAt: null,
    });
    expect(incident.affectedComponents).toEqual([{ componentId, status: expect.stringMatching(/partial_outage|major_outage/) }]);
    // Public: customer-facing words from the policy's default template, never the SLO's name or figures (those stay internal).
    expect(incident.title).toBe('Elevated error rates on Checkout');
    expect(incident.summary).toBe('We are seeing elevated error rates on Checkout and are investigating.');
    const burnStarted = await eventually(
      async () =>
        (await api.http.get(`/api/v1/incidents/${incident.id}/timeline`).set(api.admin)).body.items.find(
          (event: { kind: string }) => event.kind === 'slo_burn_started',
        ),
      'the burn on the internal timeline',
    );
    expect(String(burnStarted.body)).toMatch(/error budget remaining .*Burn rates/);
    await eventually(async () => (notifications.some((note) => note.text.includes('is burning its error budget')) ? true : undefined), 'the team notification');

    // The same burn evaluated again: no twin, no second notification.
    await evaluate();
    await new Promise((done) => setTimeout(done, 300));
    expect(await openIncidents()).toHaveLength(1);
    expect(notifications.filter((note) => note.text.includes('is burning'))).toHaveLength(1);
    const timeline = (await api.http.get(`/api/v1/incidents/${incident.id}/timeline`).set(api.admin)).body.items.map((event: { kind: string }) => event.kind);
    expect(timeline.filter((kind: string) => kind === 'slo_burn_started')).toHaveLength(1);

    const component = (await api.http.get(`/api/v1/status/components/${componentId}`).set(api.admin)).body;
    expect(JSON.stringify(component)).toMatch(/partial_outage|major_outage/);
  });

  it('writes the end of the burn on the timeline and resolves after the quiet period', async () => {
    const [incident] = await openIncidents();
    clock.set(new Date(NOW.getTime() + 120 * MINUTE));
    await evaluate();
    await eventually(async () => {
      const kinds = (await api.http.get(`/api/v1/incidents/${incident.id}/timeline`).set(api.admin)).body.items.map((event: { kind: string }) => event.kind);
      return kinds.includes('slo_burn_stopped') ? kinds : undefined;
    }, 'slo_burn_stopped');
    expect((await api.http.get(`/api/v1/incidents/${incident.id}`).set(api.admin)).body.status).toBe('investigating');

    clock.set(new Date(NOW.getTime() + 160 * MINUTE));
    await evaluate();
    const resolved = await eventually(async () => {
      const body = (await api.http.get(`/api/v1/incidents/${incident.id}`).set(api.admin)).body;
      return body.status === 'resolved' ? body : undefined;
    }, 'the automatic resolution');
    expect(resolved.resolvedAt).toBe(new Date(NOW.getTime() + 160 * MINUTE).toISOString());
    const stored = await api.app.get(DataSource).query(`SELECT count(*)::int AS n FROM incidents WHERE dedup_key = $1`, [`slo:${sloId}`]);
    expect(stored[0].n).toBe(1);
  });

  it('posts the weekly digest once per team, even with two replicas checking at the same time', async () => {
    const { second, secondNotes } = await startSecondReplica();
    try {
      const before = notifications.length;
      const results = await Promise.all([api.app.get(WeeklyDigestService).sendDueDigests(), second.app.get(WeeklyDigestService).sendDueDigests()]);
      expect(results.flatMap((result) => result.sent)).toEqual(['payments']);
      expect(results.flatMap((result) => result.alreadySent)).toEqual(['payments']);
      const digests = [...notifications.slice(before), ...secondNotes].map((note) => note.text).filter((text) => text.startsWith('Weekly reliability digest'));
      expect(digests).toHaveLength(1);
      expect(digests[0]).toContain('Weekly reliability digest for payments — 2025-02-24 to 2025-03-03');
      expect(digests[0]).toMatch(/Incidents: 1 ↑ \(previous week 0\)/);
      expect(digests[0]).toContain('other: 1 ↑');
      expect(digests[0]).toContain('SLOs at risk');
      // A later check in the same week sends nothing.
      expect((await api.app.get(WeeklyDigestService).sendDueDigests()).sent).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('sends a failed digest again once: a replica checking while another is still retrying it leaves it alone', async () => {
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'refunds', name: 'Refunds' }).expect(201);
    const digestRow = async () =>
      (
        await api.app
          .get(DataSource)
          .query(`SELECT d.delivered, d.attempts, d.failure, d.body FROM team_digests d JOIN teams t ON t.id = d.team_id WHERE t.slug = 'refunds'`)
      )[0] as { delivered: boolean; attempts: number; failure: string | null; body: string };
    const refundsDigests = (notes: { team: string; text: string }[]) =>
      notes.filter((note) => note.team === 'refunds' && note.text.startsWith('Weekly reliability digest'));
    slackErring.add('refunds');
    const first = await api.app.get(WeeklyDigestService).sendDueDigests();
    slackErring.delete('refunds');
    expect(first).toMatchObject({ sent: [], failed: ['refunds'], alreadySent: ['payments'] });
    expect(await digestRow()).toMatchObject({ delivered: false, attempts: 1, failure: 'failed' });

    const { second, secondNotes } = await startSecondReplica();
    const retryAt = clock.now().getTime() + DIGEST_RETRY_AFTER_MS;
    let answerSlack: () => void = () => undefined;
    slackSlow.set('refunds', new Promise<void>((settle) => (answerSlack = settle)));
    try {
      clock.set(new Date(retryAt));
      const before = notifications.length;
      // The first replica claims the retry and waits on Slack's answer.
      const retrying = api.app.get(WeeklyDigestService).sendDueDigests();
      await eventually(async () => ((await digestRow()).attempts === 2 ? true : undefined), 'the retry claimed');
      // Meanwhile the other replica checks, a minute later: the claim is fresh, so it sends nothing.
      clock.set(new Date(retryAt + MINUTE));
      const meanwhile = await second.app.get(WeeklyDigestService).sendDueDigests();
      expect(meanwhile).toMatchObject({ sent: [], failed: [] });
      expect(meanwhile.alreadySent).toContain('refunds');
      answerSlack();
      expect(await retrying).toMatchObject({ sent: ['refunds'], failed: [] });
      const sent = [...refundsDigests(notifications.slice(before)), ...refundsDigests(secondNotes)];
      expect(sent).toHaveLength(1);
      const row = await digestRow();
      expect(row).toMatchObject({ delivered: true, attempts: 2, failure: null });
      // The text stored with the first claim.
      expect(sent[0].text).toBe(row.body);
      expect(sent[0].text).toContain('Weekly reliability digest for refunds');
      // Later checks, by both replicas at the same time, send nothing more.
      clock.set(new Date(retryAt + 2 * DIGEST_RETRY_AFTER_MS));
      const later = await Promise.all([api.app.get(WeeklyDigestService).sendDueDigests(), second.app.get(WeeklyDigestService).sendDueDigests()]);
      expect(later.flatMap((result) => result.sent)).toEqual([]);
      expect([...refundsDigests(notifications.slice(before)), ...refundsDigests(secondNotes)]).toHaveLength(1);
    } finally {
      answerSlack();
      slackSlow.delete('refunds');
      await second.close();
    }
  });

  it('shows the dashboards in a browser: charts with text alternatives, incidents marked, no serious axe violation', async () => {
    const artifacts = resolve(__dirname, '../test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    expect((await api.http.get('/dashboard')).status).toBe(303);
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page: Page = await browser.newPage({ viewport: { width: 1200, height: 900 }, javaScriptEnabled: false });
      await page.goto(`${api.baseUrl}/dashboard`);
      expect(page.url()).toContain('/dashboard/login');
      await page.fill('#token', 'not-a-token');
      await page.click('button[type=submit]');
      expect(await page.textContent('[role=alert]')).toContain('not valid');
      await page.fill('#token', api.config.API_ADMIN_TOKEN as string);
      await page.click('button[type=submit]');
      expect(page.url()).toMatch(/\/dashboard$/);
      expect(await page.textContent('main')).toContain('Payments');
      await page.screenshot({ path: resolve(artifacts, 'dashboard-overview.png'), fullPage: true });

      await page.goto(`${api.baseUrl}/dashboard/teams/payments`);
      expect(await page.locator('svg[role=img]').count()).toBeGreaterThan(0);
      expect(await page.textContent('main')).toContain('MTTR');
      await page.screenshot({ path: resolve(artifacts, 'dashboard-team.png'), fullPage: true });

      await page.goto(`${api.baseUrl}/dashboard/slos/${sloId}`);
      const title = await page.locator('svg[role=img] title').first().textContent();
      expect(title).toContain('Error budget remaining: checkout-availability');
      expect(await page.locator('svg .marker').count()).toBeGreaterThan(0);
      expect(await page.textContent('main')).toMatch(/INC-\d+ — Elevated error rates on Checkout \(resolved/);
      await page.screenshot({ path: resolve(artifacts, 'dashboard-slo.png'), fullPage: true });

      // The dashboards' CSP forbids every script; axe is injected by the test itself, so this page bypasses CSP.
      const scripted = await browser.newPage({ viewport: { width: 1200, height: 900 }, bypassCSP: true });
      await scripted.context().addCookies(await page.context().cookies());
      for (const path of ['/dashboard', '/dashboard/teams/payments', `/dashboard/slos/${sloId}`]) {
        await scripted.goto(`${api.baseUrl}${path}`);
        await scripted.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
        const violations = await scripted.evaluate(async () => {
          const axe = (globalThis as unknown as { axe: { run(context: unknown): Promise<{ violations: { id: string; impact: string | null }[] }> } }).axe;
          return (await axe.run((globalThis as unknown as { document: unknown }).document)).violations;
        });
        expect([path, violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')]).toEqual([path, []]);
      }
    } finally {
      await browser.close();
    }
  }, 60_000);
});
