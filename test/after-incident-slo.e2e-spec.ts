// The error budget policy that acts, against real Prometheus (history built
// with promtool from generated counters) and PostgreSQL:
// - a 50-hour sustained miss opens exactly one incident, with two replicas;
// - the deploy gate closes when the budget runs out and opens when it recovers,
//   overrides need a reason and are recorded (and announced for the audit log);
// - a postmortem carries the budget the incident consumed.
import { EventEmitter2 } from '@nestjs/event-emitter';
import { FixedClock } from '@app/platform';
import type { SloStatus } from '@app/slo';
import { BreachIncidentListener } from '../apps/api/src/breach-incidents/breach-incident.listener';
import { AfterIncidentFiguresService } from '../apps/api/src/postmortems/after-incident-figures.service';
import { DEPLOY_GATE_OVERRIDDEN, DeployGateOverriddenEvent } from '../apps/api/src/deploy-gate/deploy-gate';
import { TeamNotifier } from '../apps/api/src/notifications/team-notifier';
import { RunningApi, startApi } from './support/api-app';
import { CounterFamily, renderOpenMetrics } from './support/openmetrics';
import { eventually } from './support/poll';
import { RunningPrometheus, startPrometheus } from './support/prometheus';
import { sql } from './support/sql';

const NOW = Date.parse('2025-03-03T12:00:00Z');
const HOUR = 3_600_000;
const HISTORY_HOURS = 96;
const REQUESTS_PER_MINUTE = 100;

/** Per-minute cumulative counters of one service: `errorShare(msBeforeNow)` of each minute's requests fail. */
function serviceCounters(service: string, errorShare: (msBeforeNow: number) => number): CounterFamily['series'] {
  const ok: Array<[number, number]> = [];
  const failed: Array<[number, number]> = [];
  let okTotal = 0;
  let failedTotal = 0;
  for (let at = NOW - HISTORY_HOURS * HOUR; at <= NOW; at += 60_000) {
    const bad = Math.round(REQUESTS_PER_MINUTE * errorShare(NOW - at));
    okTotal += REQUESTS_PER_MINUTE - bad;
    failedTotal += bad;
    ok.push([at / 1000, okTotal]);
    failed.push([at / 1000, failedTotal]);
  }
  return [
    { labels: { service, code: '200' }, points: ok },
    { labels: { service, code: '500' }, points: failed },
  ];
}

const indicator = (service: string) => ({
  kind: 'ratio',
  total: `http_requests_total{service="${service}"}`,
  bad: `http_requests_total{service="${service}",code=~"5.."}`,
});

describe('error budget policy: sustained breach, deploy gate, budget impact', () => {
  let prometheus: RunningPrometheus;
  let first: RunningApi;
  let second: RunningApi;
  const clock = new FixedClock(new Date(NOW - 10 * HOUR));
  const notifications: Array<{ team: string; text: string }> = [];
  const overrides: DeployGateOverriddenEvent[] = [];

  beforeAll(async () => {
    const families: CounterFamily[] = [
      {
        type: 'counter',
        name: 'http_requests',
        help: 'Requests by service and code.',
        series: [
          // search misses 99% for the last 50 hours (5% errors), healthy before (0.1%).
          ...serviceCounters('search', (before) => (before <= 50 * HOUR ? 0.05 : 0.001)),
          // checkout: a 2-hour burst of 30% errors 30 hours before NOW, no errors otherwise.
          ...serviceCounters('checkout', (before) => (before <= 30 * HOUR && before > 28 * HOUR ? 0.3 : 0)),
        ],
      },
    ];
    prometheus = await startPrometheus({ openMetrics: renderOpenMetrics(families) });
    const env = { PROMETHEUS_URL: prometheus.url };
    first = await startApi({ clock, env });
    second = await startApi({ clock, env, database: first.database, keepDatabase: true });
    for (const replica of [first, second]) {
      jest.spyOn(replica.app.get(TeamNotifier), 'notifyTeam').mockImplementation(async (team, text) => {
        notifications.push({ team: team.slug, text });
        return 'delivered';
      });
      replica.app.get(EventEmitter2).on(DEPLOY_GATE_OVERRIDDEN, (event: DeployGateOverriddenEvent) => overrides.push(event));
    }
    for (const team of ['payments', 'search']) await first.http.post('/api/v1/teams').set(first.admin).send({ slug: team, name: team }).expect(201);
    await first.http.post('/api/v1/services').set(first.admin).send({ slug: 'checkout', name: 'Checkout', team: 'payments' }).expect(201);
    await first.http.post('/api/v1/services').set(first.admin).send({ slug: 'search-api', name: 'Search API', team: 'search' }).expect(201);
  }, 180_000);

  afterAll(async () => {
    await second?.close();
    await first?.close();
    await prometheus?.stop();
  });

  it('rejects breachIncident outside the supported windows and 1-720 hours, naming the field', async () => {
    for (const [breachIncident, field] of [
      [{ window: '3h', afterHours: 48 }, 'policy.breachIncident.window'],
      [{ window: '1h', afterHours: 0 }, 'policy.breachIncident.afterHours'],
      [{ window: '1h', afterHours: 721 }, 'policy.breachIncident.afterHours'],
    ] as const) {
      const response = await first.http
        .post('/api/v1/slos')
        .set(first.admin)
        .send({
          service: 'search-api',
          name: 'rejected',
          objective: 0.99,
          window: '7d',
          indicator: indicator('search'),
          policy: { openIncident: false, breachIncident },
        });
      expect(response.status).toBe(400);
      expect(response.body.field).toBe(field);
    }
    expect(await sql(first.database.url, "SELECT id FROM slos WHERE name = 'rejected'")).toHaveLength(0);
  });

  it('the deploy gate closes while the budget is exhausted (the Slack message names the freeze) and opens once it recovers', async () => {
    clock.set(new Date(NOW - 10 * HOUR));
    const created = await first.http
      .post('/api/v1/slos')
      .set(first.admin)
      .send({
        service: 'checkout',
        name: 'checkout-availability',
        objective: 0.99,
        window: '1d',
        indicator: indicator('checkout'),
        policy: { openIncident: false, freezeDeploys: true },
      });
    expect(created.status).toBe(201);
    const sloId = created.body.id as string;

    const closed = await first.http.get('/api/v1/services/checkout/deploy-gate').set(first.admin).expect(200);
    expect(closed.body).toEqual({
      service: 'checkout',
      allowed: false,
      reasons: [{ sloId, name: 'checkout-availability', errorBudgetRemaining: expect.any(Number) }],
    });
    expect(closed.body.reasons[0].errorBudgetRemaining).toBeCloseTo(1 - 0.025 / 0.01, 1);
    const freeze = await eventually(
      async () => notifications.find((notification) => notification.text.includes('exhausted its error budget')),
      'the budget-exhausted message',
    );
    expect(freeze.text).toContain('Deploys of checkout are frozen');
    expect(freeze.text).toContain('deploy-gate');

    const noReason = await first.http.get('/api/v1/services/checkout/deploy-gate?override=security').set(first.admin);
    expect(noReason.status).toBe(400);
    expect(noReason.body.field).toBe('reason');
    const badKind = await first.http.get('/api/v1/services/checkout/deploy-gate?override=friday&reason=x').set(first.admin);
    expect(badKind.status).toBe(400);
    expect(badKind.body.field).toBe('override');
    expect(await sql(first.database.url, 'SELECT id FROM deploy_gate_overrides')).toHaveLength(0);

    const token = (await first.http.post('/api/v1/teams/payments/tokens').set(first.admin).send({ name: 'ci' }).expect(201)).body.token as string;
    const overridden = await first.http
      .get('/api/v1/services/checkout/deploy-gate')
      .query({ override: 'security', reason: 'CVE-2025-1234 patch' })
      .set({ Authorization: `Bearer ${token}` })
      .expect(200);
    expect(overridden.body).toMatchObject({ service: 'checkout', allowed: true, override: { kind: 'security', reason: 'CVE-2025-1234 patch' } });
    const stored = await sql<{ kind: string; reason: string; actor: string; blocked_by: unknown[] }>(
      first.database.url,
      'SELECT kind, reason, actor, blocked_by FROM deploy_gate_overrides',
    );
    expect(stored).toEqual([
      { kind: 'security', reason: 'CVE-2025-1234 patch', actor: expect.stringMatching(/^token:/), blocked_by: [expect.objectContaining({ sloId })] },
    ]);
    expect(overrides).toEqual([
      expect.objectContaining({
        service: 'checkout',
        kind: 'security',
        reason: 'CVE-2025-1234 patch',
        team: 'payments',
        overrideId: overridden.body.override.id,
      }),
    ]);

    const searchToken = (await first.http.post('/api/v1/teams/search/tokens').set(first.admin).send({ name: 'ci' }).expect(201)).body.token as string;
    expect((await first.http.get('/api/v1/services/checkout/deploy-gate').set({ Authorization: `Bearer ${searchToken}` })).status).toBe(403);
    expect((await first.http.get('/api/v1/services/no-such-service/deploy-gate').set(first.admin)).status).toBe(404);

    // The burst leaves the 1-day window: the budget is back, the gate opens.
    clock.set(new Date(NOW));
    await first.http.post(`/api/v1/slos/${sloId}/evaluate`).set(first.admin).expect(200);
    const open = await first.http.get('/api/v1/services/checkout/deploy-gate').set(first.admin).expect(200);
    expect(open.body).toEqual({ service: 'checkout', allowed: true, reasons: [] });
  });

  it('a postmortem states the budget its incident consumed, from the stored buckets', async () => {
    clock.set(new Date(NOW - 10 * HOUR));
    const incident = await first.http
      .post('/api/v1/incidents')
      .set(first.admin)
      .send({ title: 'Checkout 5xx burst', severity: 'SEV3', team: 'payments', services: ['checkout'], startedAt: new Date(NOW - 31 * HOUR).toISOString() })
      .expect(201);
    await first.http.patch(`/api/v1/incidents/${incident.body.id}`).set(first.admin).send({ status: 'resolved' }).expect(200);
    const postmortem = await first.http.post(`/api/v1/incidents/${incident.body.id}/postmortem`).set(first.admin).expect(201);
    // Independent figure: 2 h × 100/min × 30% bad = 3600 bad events; the 1-day window ending at resolution
    // (NOW-10h) holds 24 h × 100/min = 144,000 events, 1% of which (1440) the budget allows: 250%.
    expect(postmortem.body.budgetImpact).toEqual([
      expect.objectContaining({ name: 'checkout-availability', service: 'checkout', budgetConsumed: expect.any(Number) }),
    ]);
    expect(postmortem.body.budgetImpact[0].budgetConsumed).toBeCloseTo(2.5, 1);
    expect(postmortem.body).toMatchObject({ required: true, requiredBecause: expect.stringContaining('of the error budget of checkout-availability') });
    expect(postmortem.body.markdown).toMatch(/\| checkout-availability \| checkout \| 99% over 1d \| 36\d\d \| 2\d\d\.\d% \|/);

    // The per-team figures the weekly digest and the team dashboard show.
    const [team] = await sql<{ id: string }>(first.database.url, "SELECT id FROM teams WHERE slug = 'payments'");
    const figures = await first.app.get(AfterIncidentFiguresService).teamFigures(team.id, { from: new Date(NOW - 7 * 24 * HOUR), to: new Date(NOW) });
    expect(figures.postmortems).toMatchObject({
      required: 1,
      published: 0,
      requiredPublished: 0,
      requiredMissing: [expect.objectContaining({ title: 'Checkout 5xx burst' })],
    });
    expect(figures.incidentsByBudgetConsumed).toEqual([
      expect.objectContaining({ incidentId: incident.body.id, sloName: 'checkout-availability', postmortemStatus: 'draft' }),
    ]);
    expect(figures.incidentsByBudgetConsumed[0].budgetConsumed).toBeCloseTo(2.5, 1);
    expect(figures.followUps).toMatchObject({ open: 0, overdue: 0 });
  });

  it('a 50-hour miss of the objective opens exactly one incident, with two replicas evaluating', async () => {
    clock.set(new Date(NOW));
    const created = await first.http
      .post('/api/v1/slos')
      .set(first.admin)
      .send({
        service: 'search-api',
        name: 'search-availability',
        objective: 0.99,
        window: '7d',
        indicator: indicator('search'),
        policy: { openIncident: false, severity: 'SEV2', breachIncident: { window: '1h', afterHours: 48 } },
      });
    expect(created.status).toBe(201);
    const sloId = created.body.id as string;
    // Both replicas evaluate the SLO at the same moment, twice.
    for (let round = 0; round < 2; round += 1) {
      await Promise.all([
        first.http.post(`/api/v1/slos/${sloId}/evaluate`).set(first.admin).expect(200),
        second.http.post(`/api/v1/slos/${sloId}/evaluate`).set(second.admin).expect(200),
      ]);
    }
    const incidents = await eventually(
      async () => {
        const rows = await sql<{ title: string; summary: string; source: string; severity: string; dedup_key: string; started_at: Date }>(
          first.database.url,
          `SELECT title, summary, source, severity, dedup_key, started_at FROM incidents WHERE dedup_key LIKE $1`,
          [`slo-breach:${sloId}:%`],
        );
        return rows.length > 0 ? rows : undefined;
      },
      'the breach incident',
      20_000,
    );
    expect(incidents).toHaveLength(1);
    const [incident] = incidents;
    expect(incident).toMatchObject({ source: 'slo', severity: 'SEV2', dedup_key: `slo-breach:${sloId}:${new Date(NOW - 50 * HOUR).toISOString()}` });
    expect(incident.title).toBe('SLO search-availability has missed its objective for 50 hours');
    expect(incident.summary).toContain('2d 2h (50 hours)');
    expect(incident.started_at.toISOString()).toBe(new Date(NOW - 50 * HOUR).toISOString());

    // Later checks of the same breach, on both replicas at once, answer with that incident instead of opening another.
    clock.set(new Date(NOW + 5 * 60_000));
    const [slo] = await sql<{ team_id: string; service_id: string }>(
      first.database.url,
      'SELECT s.service_id, sv.team_id FROM slos s JOIN services sv ON sv.id = s.service_id WHERE s.id = $1',
      [sloId],
    );
    const event = {
      slo: {
        id: sloId,
        name: 'search-availability',
        objective: 0.99,
        window: '7d',
        policy: created.body.policy,
        service: { id: slo.service_id, slug: 'search-api', name: 'Search API' },
        team: { id: slo.team_id, slug: 'search' },
      },
      previousStatus: null,
      status: { state: 'critical', evaluatedAt: new Date(NOW + 5 * 60_000).toISOString() } as SloStatus,
    };
    const results = await Promise.all([first.app.get(BreachIncidentListener).apply(event), second.app.get(BreachIncidentListener).apply(event)]);
    expect(results.map((result) => result?.created)).toEqual([false, false]);
    expect(results.map((result) => result?.incident.title)).toEqual([incident.title, incident.title]);
    expect(await sql(first.database.url, `SELECT id FROM incidents WHERE dedup_key LIKE $1`, [`slo-breach:${sloId}:%`])).toHaveLength(1);
  });
});
