// The SLO engine through the API against a real Prometheus holding 31 days of
// generated traffic. Every expected figure is computed from the generated
// events (test/support/synthetic-traffic.ts), never from Prometheus or the
// stored buckets. "Now" is the history's fixed end, injected as the API's
// clock: on the 5-minute grid, where Ballast's counts are exact.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import { FixedClock } from '@app/platform';
import {
  evaluateSloStatus,
  EVALUATION_WINDOWS,
  EventCounts,
  PrometheusClient,
  SLO_EVALUATED,
  SloEvaluatedEvent,
  SloReadModel,
  SloStatus,
  StatusWindowKey,
  statusWindowSeconds,
} from '@app/slo';
import { startApi, RunningApi } from './support/api-app';
import { renderOpenMetrics } from './support/openmetrics';
import { RunningPrometheus, startPrometheus } from './support/prometheus';
import { expectedStatus, expectSameStatus } from './support/slo-expectations';
import { buildSyntheticHistory, expectedEvents, SyntheticHistory, TrafficScenario } from './support/synthetic-traffic';
import { eventually } from './support/poll';

const execFileAsync = promisify(execFile);
const NOW_SECONDS = Date.parse('2025-03-03T12:00:00Z') / 1000;
const NOW = new Date(NOW_SECONDS * 1000);
const HISTORY_DAYS = 31;

/** The SLO each scenario is evaluated as; windows and objectives vary on purpose. */
const SCENARIO_SLOS: ReadonlyArray<{ scenario: string; name: string; objective: number; window: string; expectedState?: string }> = [
  { scenario: 'steady', name: 'steady-availability', objective: 0.99, window: '30d', expectedState: 'ok' },
  { scenario: 'burst', name: 'burst-availability', objective: 0.999, window: '28d', expectedState: 'critical' },
  { scenario: 'counter-reset', name: 'reset-availability', objective: 0.99, window: '28d' },
  { scenario: 'quiet-week', name: 'quiet-28d', objective: 0.999, window: '28d', expectedState: 'ok' },
  { scenario: 'quiet-week', name: 'quiet-7d', objective: 0.999, window: '7d', expectedState: 'no_data' },
  { scenario: 'day-night', name: 'day-night-latency', objective: 0.99, window: '30d' },
];

let history: SyntheticHistory;
let prometheus: RunningPrometheus;
let api: RunningApi;
let clock: FixedClock;
let sreToken: string;
let paymentsToken: string;
const sloIds = new Map<string, string>();
const evaluatedEvents: SloEvaluatedEvent[] = [];

function scenarioNamed(name: string): TrafficScenario {
  const scenario = history.scenarios.find((candidate) => candidate.name === name);
  if (!scenario) throw new Error(`no scenario ${name}`);
  return scenario;
}

function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

async function bucketRows(sloId: string): Promise<Array<{ bucket_start: Date; bad: number; total: number }>> {
  return api.app.get(DataSource).query(`SELECT bucket_start, bad, total FROM slo_event_buckets WHERE slo_id = $1 ORDER BY bucket_start`, [sloId]);
}

/** Every stored bucket's running totals differ from the previous bucket's by exactly its own counts. */
async function expectConsistentRunningTotals(): Promise<void> {
  const broken = await sql(
    `SELECT slo_id, bucket_start FROM (
       SELECT slo_id, bucket_start, bad, total, cum_bad - lag(cum_bad) OVER running AS step_bad, cum_total - lag(cum_total) OVER running AS step_total
       FROM slo_event_buckets WINDOW running AS (PARTITION BY slo_id ORDER BY bucket_start)
     ) steps WHERE step_bad IS NOT NULL AND (abs(step_bad - bad) > 1e-6 OR abs(step_total - total) > 1e-6)`,
  );
  expect(broken).toEqual([]);
}

async function sql<T = Record<string, unknown>>(query: string, parameters: unknown[] = []): Promise<T[]> {
  return api.app.get(DataSource).query(query, parameters);
}

beforeAll(async () => {
  history = buildSyntheticHistory({ now: NOW_SECONDS, days: HISTORY_DAYS });
  prometheus = await startPrometheus({ openMetrics: renderOpenMetrics(history.families) });
  clock = new FixedClock(NOW);
  api = await startApi({ clock, env: { PROMETHEUS_URL: prometheus.url, SLO_EVAL_INTERVAL_S: '60' } });
  api.app.get(EventEmitter2).on(SLO_EVALUATED, (event: SloEvaluatedEvent) => evaluatedEvents.push(event));
  for (const team of ['sre', 'payments']) {
    expect((await api.http.post('/api/v1/teams').set(api.admin).send({ slug: team, name: team.toUpperCase() })).status).toBe(201);
  }
  for (const [service, team] of [
    ['edge', 'sre'],
    ['checkout', 'payments'],
  ]) {
    expect((await api.http.post('/api/v1/services').set(api.admin).send({ slug: service, name: service, team })).status).toBe(201);
  }
  sreToken = (await api.http.post('/api/v1/teams/sre/tokens').set(api.admin).send({ name: 'ci' })).body.token;
  paymentsToken = (await api.http.post('/api/v1/teams/payments/tokens').set(api.admin).send({ name: 'ci' })).body.token;
}, 180_000);

afterAll(async () => {
  await api?.close();
  await prometheus?.stop();
});

describe('creating an SLO backfills 30 days and reports exact figures', () => {
  it.each(SCENARIO_SLOS.map((slo) => [slo.name, slo] as const))('%s', async (_name, slo) => {
    const scenario = scenarioNamed(slo.scenario);
    const created = await api.http
      .post('/api/v1/slos')
      .set(bearer(sreToken))
      .send({
        service: 'edge',
        name: slo.name,
        objective: slo.objective,
        window: slo.window,
        indicator: scenario.indicator,
        policy: { openIncident: true, severity: 'SEV2' },
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ service: 'edge', team: 'sre', name: slo.name, objective: slo.objective, window: slo.window, warnings: [] });
    const id = created.body.id as string;
    sloIds.set(slo.name, id);

    const status = await api.http.get(`/api/v1/slos/${id}/status`).set(api.admin);
    expect(status.status).toBe(200);
    const expected = expectedStatus(scenario, { id, objective: slo.objective, window: slo.window }, NOW_SECONDS);
    expectSameStatus(status.body as SloStatus, expected);
    expect(created.body.status).toEqual(status.body);
    if (slo.expectedState) expect(status.body.state).toBe(slo.expectedState);

    // The buckets cover the longer of the SLO window and 3 days, every 5 minutes, no gap.
    const days = Math.max(Number(slo.window.replace('d', '')), 3);
    const buckets = await bucketRows(id);
    expect(buckets).toHaveLength(days * 288);
    expect(buckets[0].bucket_start.getTime()).toBe(NOW.getTime() - days * 86_400_000);
    expect(buckets[buckets.length - 1].bucket_start.getTime()).toBe(NOW.getTime() - 300_000);
    const windowSeconds = Number(slo.window.replace('d', '')) * 86_400;
    const fromBuckets = buckets
      .filter((bucket) => bucket.bucket_start.getTime() >= NOW.getTime() - windowSeconds * 1000)
      .reduce((sum, bucket) => ({ bad: sum.bad + bucket.bad, total: sum.total + bucket.total }), { bad: 0, total: 0 });
    const events = expectedEvents(scenario, NOW_SECONDS, windowSeconds);
    expect(Math.abs(fromBuckets.total - events.total)).toBeLessThanOrEqual(1e-6 * Math.max(events.total, 1));
    expect(Math.abs(fromBuckets.bad - events.bad)).toBeLessThanOrEqual(1e-6 * Math.max(events.bad, 1));
  });

  it('quiet week: a 7d SLO with zero traffic is no_data, never 100%; the 28d one still reports its budget', async () => {
    const quiet7d = (await api.http.get(`/api/v1/slos/${sloIds.get('quiet-7d')}/status`).set(api.admin)).body as SloStatus;
    expect(quiet7d).toMatchObject({ state: 'no_data', sli: null, errorBudgetRemaining: null });
    expect(Object.values(quiet7d.windows).every((window) => window.errorRatio === null && window.burnRate === null)).toBe(true);
    expect(quiet7d.alerts.every((alert) => !alert.firing)).toBe(true);
    const quiet28d = (await api.http.get(`/api/v1/slos/${sloIds.get('quiet-28d')}/status`).set(api.admin)).body as SloStatus;
    expect(quiet28d.state).toBe('ok');
    expect(quiet28d.sli).toBeGreaterThan(0.99);
    expect(quiet28d.sli).toBeLessThan(1);
    expect(quiet28d.windows['1h']).toEqual({ errorRatio: null, burnRate: null });
  });

  it('day/night: the reported ratio is event-weighted, far from the average of 5-minute ratios', async () => {
    const scenario = scenarioNamed('day-night');
    const status = (await api.http.get(`/api/v1/slos/${sloIds.get('day-night-latency')}/status`).set(api.admin)).body as SloStatus;
    const events = expectedEvents(scenario, NOW_SECONDS, 30 * 86_400);
    const buckets = await bucketRows(sloIds.get('day-night-latency') as string);
    const ratios = buckets.filter((bucket) => bucket.total > 0).map((bucket) => bucket.bad / bucket.total);
    const averageOfRatios = ratios.reduce((sum, ratio) => sum + ratio, 0) / ratios.length;
    expect(Math.abs((status.windows['30d'].errorRatio as number) - events.bad / events.total)).toBeLessThanOrEqual(1e-6 * (events.bad / events.total));
    expect(averageOfRatios).toBeGreaterThan(2 * (status.windows['30d'].errorRatio as number));
  });

  it('burst: the 6h/30m page tier fires and the state is critical', async () => {
    const status = (await api.http.get(`/api/v1/slos/${sloIds.get('burst-availability')}/status`).set(api.admin)).body as SloStatus;
    expect(status.state).toBe('critical');
    expect(status.alerts.find((alert) => alert.long === '6h')?.firing).toBe(true);
  });
});

describe('evaluating again', () => {
  it('off the 5-minute grid: raw windows and the tail exact, the head bucket of longer windows prorated', async () => {
    const id = sloIds.get('steady-availability') as string;
    const scenario = scenarioNamed('steady');
    // now = a + 3 min, a on the grid: long windows are the buckets in (now - w, a], the head
    // bucket (a - w, a - w + 5m] weighted 2/5 (its share of the window), plus the tail (a, now].
    const nowSeconds = NOW_SECONDS - 120;
    const a = NOW_SECONDS - 300;
    const counts: Partial<Record<StatusWindowKey, EventCounts>> = {};
    for (const window of [...EVALUATION_WINDOWS, '30d'] as StatusWindowKey[]) {
      const seconds = statusWindowSeconds(window);
      if (window === '5m' || window === '30m') {
        counts[window] = expectedEvents(scenario, nowSeconds, seconds);
        continue;
      }
      const head = expectedEvents(scenario, a - seconds + 300, 300);
      const rest = expectedEvents(scenario, nowSeconds, nowSeconds - (a - seconds + 300));
      counts[window] = { bad: 0.4 * head.bad + rest.bad, total: 0.4 * head.total + rest.total };
    }
    clock.set(new Date(nowSeconds * 1000));
    try {
      const response = await api.http.post(`/api/v1/slos/${id}/evaluate`).set(api.admin);
      expect(response.status).toBe(200);
      const expected = evaluateSloStatus({ sloId: id, objective: 0.99, window: '30d', now: new Date(nowSeconds * 1000), counts });
      expectSameStatus(response.body as SloStatus, expected);
    } finally {
      clock.set(NOW);
    }
    // Back on the grid, the figures are exact again (re-read buckets replaced, nothing counted twice).
    const again = await api.http.post(`/api/v1/slos/${id}/evaluate`).set(api.admin);
    expectSameStatus(again.body as SloStatus, expectedStatus(scenario, { id, objective: 0.99, window: '30d' }, NOW_SECONDS));
    // The earlier evaluation needed one more head bucket (its window started 5 minutes earlier); it is kept until pruned.
    expect(await bucketRows(id)).toHaveLength(30 * 288 + 1);
    await expectConsistentRunningTotals();
  });

  it('records each good evaluation in the history, served downsampled', async () => {
    const id = sloIds.get('burst-availability') as string;
    for (const minutesAgo of [20, 10, 0]) {
      clock.set(new Date(NOW.getTime() - minutesAgo * 60_000));
      expect((await api.http.post(`/api/v1/slos/${id}/evaluate`).set(api.admin)).status).toBe(200);
    }
    clock.set(NOW);
    const response = await api.http
      .get(`/api/v1/slos/${id}/history`)
      .query({ from: new Date(NOW.getTime() - 3_600_000).toISOString(), to: NOW.toISOString() })
      .set(api.admin);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ sloId: id, window: '28d', stepSeconds: 60 });
    const allPoints = response.body.points as Array<{
      time: string;
      evaluations: number;
      state: string;
      source: string;
      burnRates: Record<string, number | null>;
    }>;
    // Steps without an evaluation are derived from the buckets (every 5 minutes here); the evaluated ones are these.
    expect(allPoints.filter((point) => point.evaluations === 0).every((point) => point.source === 'buckets')).toBe(true);
    const points = allPoints.filter((point) => point.evaluations > 0);
    expect(points.map((point) => point.time)).toEqual([20, 10, 0].map((minutesAgo) => new Date(NOW.getTime() - minutesAgo * 60_000).toISOString()));
    const last = points[points.length - 1];
    expect(last.evaluations).toBeGreaterThanOrEqual(2); // creation + this test, both at NOW
    expect(last.state).toBe('critical');
    expect(Object.keys(last.burnRates)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '28d']);
    const status = (await api.http.get(`/api/v1/slos/${id}/status`).set(api.admin)).body as SloStatus;
    expect(last.burnRates['1h']).toBeCloseTo(status.windows['1h'].burnRate as number, 12);

    await expectConsistentRunningTotals();
    const day = await api.http
      .get(`/api/v1/slos/${id}/history`)
      .query({ from: new Date(NOW.getTime() - 86_400_000).toISOString() })
      .set(api.admin);
    expect(day.body.stepSeconds).toBe(300);
    const reversed = await api.http
      .get(`/api/v1/slos/${id}/history`)
      .query({ from: NOW.toISOString(), to: new Date(NOW.getTime() - 60_000).toISOString() })
      .set(api.admin);
    expect(reversed.status).toBe(400);
    expect(reversed.body.field).toBe('from');
  });

  it('emits slo.evaluated with the SLO, its policy, the previous and the new status', async () => {
    const id = sloIds.get('burst-availability') as string;
    evaluatedEvents.length = 0;
    const before = (await api.http.get(`/api/v1/slos/${id}/status`).set(api.admin)).body;
    await api.http.post(`/api/v1/slos/${id}/evaluate`).set(api.admin);
    expect(evaluatedEvents).toHaveLength(1);
    expect(evaluatedEvents[0]).toMatchObject({
      slo: {
        id,
        name: 'burst-availability',
        objective: 0.999,
        window: '28d',
        policy: { openIncident: true, severity: 'SEV2' },
        service: { slug: 'edge' },
        team: { slug: 'sre' },
      },
      previousStatus: before,
      status: { sloId: id, state: 'critical' },
    });
  });

  it('updates the gauges on /metrics for every SLO', async () => {
    const metrics = await api.http.get('/metrics');
    expect(metrics.status).toBe(200);
    const status = (await api.http.get(`/api/v1/slos/${sloIds.get('steady-availability')}/status`).set(api.admin)).body as SloStatus;
    const line = (name: string, labels: string): number => {
      const match = new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, 'm').exec(metrics.text);
      if (!match) throw new Error(`no ${name}{${labels}} in /metrics`);
      return Number(match[1]);
    };
    expect(line('ballast_slo_error_budget_remaining', 'slo="steady-availability",service="edge",team="sre"')).toBeCloseTo(
      status.errorBudgetRemaining as number,
      12,
    );
    expect(line('ballast_slo_sli', 'slo="steady-availability",service="edge",team="sre"')).toBeCloseTo(status.sli as number, 12);
    expect(line('ballast_slo_burn_rate', 'slo="steady-availability",service="edge",team="sre",window="1h"')).toBeCloseTo(
      status.windows['1h'].burnRate as number,
      12,
    );
    expect(metrics.text).not.toMatch(/ballast_slo_sli\{slo="quiet-7d"/); // no data, no series
    expect(line('ballast_slo_prometheus_queries_total', 'kind="instant"')).toBeGreaterThan(0);
  });
});

describe('reads for the rest of Ballast', () => {
  it('team rollup: worst state first, budgets ascending, figure-less SLOs last', async () => {
    const response = await api.http.get('/api/v1/teams/sre/slos').set(bearer(paymentsToken));
    expect(response.status).toBe(200);
    expect(response.body.team).toBe('sre');
    expect(response.body.state).toBe('critical');
    const budgets = (response.body.slos as Array<{ errorBudgetRemaining: number | null }>).map((slo) => slo.errorBudgetRemaining);
    const withFigures = budgets.filter((budget): budget is number => budget !== null);
    expect(withFigures).toEqual([...withFigures].sort((a, b) => a - b));
    expect(budgets.slice(withFigures.length)).toEqual(budgets.slice(withFigures.length).map(() => null));
    expect(response.body.stateCounts).toMatchObject({ critical: expect.any(Number), no_data: 1 });
    expect((await api.http.get('/api/v1/teams/nobody/slos').set(api.admin)).status).toBe(404);
  });

  it('SloReadModel.latestStates and leastBudget', async () => {
    const service = api.app.get(SloReadModel);
    const ids = [sloIds.get('burst-availability') as string, sloIds.get('quiet-7d') as string, '00000000-0000-4000-8000-000000000000', 'not-a-uuid'];
    const states = await service.latestStates(ids);
    expect([...states.keys()].sort()).toEqual(ids.slice(0, 2).sort());
    expect(states.get(ids[0])).toMatchObject({ state: 'critical', evaluatedAt: NOW });
    expect(states.get(ids[1])).toMatchObject({ state: 'no_data', errorBudgetRemaining: null });
    const least = await service.leastBudget({ team: 'sre', limit: 2 });
    const rollup = (await api.http.get('/api/v1/teams/sre/slos').set(api.admin)).body.slos as Array<{ id: string; errorBudgetRemaining: number | null }>;
    expect(least.map((slo) => [slo.sloId, slo.errorBudgetRemaining])).toEqual(rollup.slice(0, 2).map((slo) => [slo.id, slo.errorBudgetRemaining]));
    expect(least[0].errorBudgetRemaining as number).toBeLessThan(0); // quiet-28d: 0.3% errors against a 0.1% budget
    expect(await service.leastBudget({ team: 'payments', limit: 5 })).toEqual([]);
  });

  it('lists with filters by team, service and state', async () => {
    const all = await api.http.get('/api/v1/slos').query({ team: 'sre', limit: 200 }).set(api.admin);
    expect(all.body.total).toBe(SCENARIO_SLOS.length);
    const critical = await api.http.get('/api/v1/slos').query({ state: 'critical' }).set(api.admin);
    expect(critical.body.items.map((slo: { name: string }) => slo.name)).toEqual(['burst-availability']);
    expect((await api.http.get('/api/v1/slos').query({ service: 'checkout' }).set(api.admin)).body.total).toBe(0);
    expect((await api.http.get('/api/v1/slos').query({ state: 'great' }).set(api.admin)).status).toBe(400);
  });
});

describe('validation and access', () => {
  const steadyIndicator = (): Record<string, string> => ({ ...(scenarioNamed('steady').indicator as unknown as Record<string, string>) });
  const base = (): Record<string, unknown> => ({
    service: 'edge',
    name: `check-${Math.random().toString(36).slice(2, 8)}`,
    objective: 0.99,
    window: '28d',
    indicator: steadyIndicator(),
  });
  const slosStored = async (): Promise<number> => Number((await sql<{ count: string }>('SELECT count(*) FROM slos'))[0].count);

  it.each([
    ['objective 1', { objective: 1 }, 'objective'],
    ['objective 0', { objective: 0 }, 'objective'],
    ['window 91d', { window: '91d' }, 'window'],
    ['window 4w', { window: '4w' }, 'window'],
    [
      'a function instead of a selector',
      { indicator: { kind: 'ratio', total: 'rate(http_requests_total[5m])', bad: 'http_requests_total{code="500"}' } },
      'indicator.total',
    ],
    ['both bad and good', { indicator: { kind: 'ratio', total: 'a_total', bad: 'b_total', good: 'c_total' } }, 'indicator.good'],
    [
      'a latency selector that is not a _bucket',
      { indicator: { kind: 'latency', histogram: 'http_request_duration_seconds{scenario="day-night"}', threshold: '0.3' } },
      'indicator.histogram',
    ],
    ['an unknown policy severity', { policy: { openIncident: true, severity: 'P1' } }, 'policy.severity'],
    ['an unknown service', { service: 'nowhere' }, 'service'],
  ])('rejects %s with 400 naming the field, storing nothing', async (_what, change, field) => {
    const before = await slosStored();
    const response = await api.http
      .post('/api/v1/slos')
      .set(api.admin)
      .send({ ...base(), ...change });
    expect(response.status).toBe(400);
    expect(response.body.field).toBe(field);
    expect(await slosStored()).toBe(before);
  });

  it("rejects PromQL Prometheus cannot compile with Prometheus's own message, naming the field", async () => {
    const response = await api.http
      .post('/api/v1/slos')
      .set(api.admin)
      .send({
        ...base(),
        indicator: { kind: 'ratio', total: 'http_requests_total{scenario="steady"}', bad: 'http_requests_total{scenario="steady",code=~"5(.."}' },
      });
    expect(response.status).toBe(400);
    expect(response.body.field).toBe('indicator.bad');
    expect(response.body.message).toMatch(/^Prometheus rejected indicator\.bad: .*error parsing regexp: missing closing \): `\^\(\?:5\(\.\.\)\$`/);
  });

  it('rejects a latency threshold that is not an existing le, listing the existing ones', async () => {
    const response = await api.http
      .post('/api/v1/slos')
      .set(api.admin)
      .send({ ...base(), indicator: { kind: 'latency', histogram: 'http_request_duration_seconds_bucket{scenario="day-night"}', threshold: '0.25' } });
    expect(response.status).toBe(400);
    expect(response.body.field).toBe('indicator.threshold');
    expect(response.body.message).toContain('existing le values: 0.1, 0.3, 1, +Inf');
  });

  it('accepts an unknown metric with a warning (no data until it exists)', async () => {
    const response = await api.http
      .post('/api/v1/slos')
      .set(api.admin)
      .send({ ...base(), name: 'future-service', indicator: { kind: 'ratio', total: 'not_yet_exported_total', bad: 'not_yet_exported_total{code="500"}' } });
    expect(response.status).toBe(201);
    expect(response.body.warnings).toEqual([
      { code: 'no_series', field: 'indicator.total', message: expect.stringContaining('matches no series') },
      { code: 'no_series', field: 'indicator.bad', message: expect.stringContaining('matches no series') },
    ]);
    expect(response.body.state).toBe('no_data');
    expect((await api.http.delete(`/api/v1/slos/${response.body.id}`).set(api.admin)).status).toBe(204);
  });

  it('a team token acts only on its own team (403), reads any team', async () => {
    const foreign = await api.http.post('/api/v1/slos').set(bearer(paymentsToken)).send(base());
    expect(foreign.status).toBe(403);
    const id = sloIds.get('steady-availability') as string;
    expect((await api.http.get(`/api/v1/slos/${id}`).set(bearer(paymentsToken))).status).toBe(200);
    expect((await api.http.get(`/api/v1/slos/${id}/status`).set(bearer(paymentsToken))).status).toBe(200);
    expect((await api.http.patch(`/api/v1/slos/${id}`).set(bearer(paymentsToken)).send({ objective: 0.9 })).status).toBe(403);
    expect((await api.http.post(`/api/v1/slos/${id}/evaluate`).set(bearer(paymentsToken))).status).toBe(403);
    expect((await api.http.delete(`/api/v1/slos/${id}`).set(bearer(paymentsToken))).status).toBe(403);
    expect((await api.http.get(`/api/v1/slos/${id}`)).status).toBe(401);
    expect((await api.http.get('/api/v1/slos/not-a-uuid').set(api.admin)).status).toBe(400);
    expect((await api.http.get('/api/v1/slos/00000000-0000-4000-8000-000000000000').set(api.admin)).status).toBe(404);
  });

  it('rejects a second SLO of the same name on a service with 409', async () => {
    const response = await api.http
      .post('/api/v1/slos')
      .set(api.admin)
      .send({ ...base(), name: 'steady-availability' });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({ error: 'slo_exists', field: 'name' });
  });
});

describe('changing and deleting', () => {
  it('a new objective re-evaluates at once; a longer window fetches only its head; a new indicator drops the buckets and backfills them again', async () => {
    const created = await api.http
      .post('/api/v1/slos')
      .set(api.admin)
      .send({ service: 'edge', name: 'to-change', objective: 0.99, window: '28d', indicator: scenarioNamed('steady').indicator });
    const id = created.body.id as string;
    const objective = await api.http
      .patch(`/api/v1/slos/${id}`)
      .set(bearer(sreToken))
      .send({ objective: 0.995, policy: { openIncident: false } });
    expect(objective.status).toBe(200);
    expectSameStatus(objective.body.status, expectedStatus(scenarioNamed('steady'), { id, objective: 0.995, window: '28d' }, NOW_SECONDS));
    expect(objective.body.policy).toEqual({ openIncident: false, severity: 'SEV3' });

    // A longer window fetches only the missing head (2 days) and recomputes the running totals.
    const queriesBefore = api.app.get(PrometheusClient).stats().rangeQueries;
    const window = await api.http.patch(`/api/v1/slos/${id}`).set(api.admin).send({ window: '30d' });
    expect(window.status).toBe(200);
    expectSameStatus(window.body.status, expectedStatus(scenarioNamed('steady'), { id, objective: 0.995, window: '30d' }, NOW_SECONDS));
    expect(api.app.get(PrometheusClient).stats().rangeQueries - queriesBefore).toBe(1);
    expect(await bucketRows(id)).toHaveLength(30 * 288);
    await expectConsistentRunningTotals();

    const counterReset = scenarioNamed('counter-reset');
    const indicator = await api.http.patch(`/api/v1/slos/${id}`).set(api.admin).send({ indicator: counterReset.indicator });
    expect(indicator.status).toBe(200);
    expect(indicator.body.warnings).toEqual([]);
    expectSameStatus(indicator.body.status, expectedStatus(counterReset, { id, objective: 0.995, window: '30d' }, NOW_SECONDS));
    const buckets = await bucketRows(id);
    expect(buckets).toHaveLength(30 * 288);
    const events = expectedEvents(counterReset, NOW_SECONDS, 30 * 86_400);
    expect(buckets.reduce((sum, bucket) => sum + bucket.total, 0)).toBeCloseTo(events.total, 3);

    expect((await api.http.delete(`/api/v1/slos/${id}`).set(bearer(sreToken))).status).toBe(204);
    expect((await api.http.get(`/api/v1/slos/${id}`).set(api.admin)).status).toBe(404);
    expect(await bucketRows(id)).toHaveLength(0);
    expect(await sql('SELECT 1 FROM slo_evaluations WHERE slo_id = $1', [id])).toHaveLength(0);
  });
});

describe('Prometheus rule export', () => {
  it('serves YAML that passes promtool and loads into a real Prometheus with every rule healthy', async () => {
    const response = await api.http.get('/api/v1/slos/rules').set(bearer(paymentsToken));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/yaml/);
    const rules = response.text;
    for (const id of sloIds.values()) {
      expect(rules).toContain(`ballast-slo-${id}`);
    }
    expect(rules).toMatch(/severity: page/);
    expect(rules).toMatch(/team: sre/);

    const workDir = mkdtempSync(join(tmpdir(), 'ballast-rules-'));
    try {
      writeFileSync(join(workDir, 'ballast.rules.yml'), rules);
      const checked = await execFileAsync('promtool', ['check', 'rules', join(workDir, 'ballast.rules.yml')]);
      expect(checked.stdout).toContain('SUCCESS');
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }

    const rulesPrometheus = await startPrometheus({ ruleFiles: { 'ballast.rules.yml': rules }, evaluationInterval: '1s' });
    try {
      type RuleGroups = { groups: Array<{ name: string; rules: Array<{ name: string; health: string; lastError?: string; lastEvaluation: string }> }> };
      let groups: RuleGroups['groups'] = [];
      const expectedGroups = sloIds.size * 2;
      // Until Prometheus has loaded every group and evaluated each rule of the fast groups once.
      await eventually(
        async () => {
          groups = (await rulesPrometheus.api<RuleGroups>('/api/v1/rules')).groups;
          expect(groups).toHaveLength(expectedGroups);
          const fast = groups.filter((group) => group.name.endsWith('-objective-window') === false);
          expect(fast.flatMap((group) => group.rules.filter((rule) => rule.lastEvaluation.startsWith('0001-')).map((rule) => rule.name))).toEqual([]);
        },
        30_000,
        250,
      );
      const unhealthy = groups.flatMap((group) =>
        group.rules.filter((rule) => rule.health === 'err').map((rule) => `${group.name}/${rule.name}: ${rule.lastError ?? ''}`),
      );
      expect(unhealthy).toEqual([]);
    } finally {
      await rulesPrometheus.stop();
    }

    const filtered = await api.http.get('/api/v1/slos/rules').query({ team: 'payments' }).set(api.admin);
    expect(filtered.text).not.toContain('ballast-slo-');
  });
});

describe('OpenSLO import', () => {
  const openSlo = (name: string, extra = ''): string => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${name}
  displayName: Checkout availability
spec:
  service: checkout
  indicator:
    metadata:
      name: checkout-errors
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{scenario="steady",code=~"5.."}
        total:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{scenario="steady"}
  timeWindow:
    - duration: 4w
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.995
${extra}`;
  const slosStored = async (): Promise<number> => Number((await sql<{ count: string }>('SELECT count(*) FROM slos'))[0].count);

  it('imports a file of SLOs (text/yaml), backfilled and evaluated; a re-import updates them', async () => {
    const yaml = `${openSlo('checkout-availability')}---\n${openSlo('checkout-availability-strict').replace('target: 0.995', 'target: 0.9995')}`;
    const response = await api.http.post('/api/v1/slos/import').set(bearer(paymentsToken)).set('Content-Type', 'text/yaml').send(yaml);
    expect(response.status).toBe(201);
    expect(
      response.body.items.map((item: { action: string; name: string; window: string; team: string }) => [item.action, item.name, item.window, item.team]),
    ).toEqual([
      ['created', 'checkout-availability', '28d', 'payments'],
      ['created', 'checkout-availability-strict', '28d', 'payments'],
    ]);
    const [first] = response.body.items as Array<{ id: string; status: SloStatus; description: string }>;
    expect(first.description).toBe('Checkout availability');
    expectSameStatus(first.status, expectedStatus(scenarioNamed('steady'), { id: first.id, objective: 0.995, window: '28d' }, NOW_SECONDS));

    const again = await api.http
      .post('/api/v1/slos/import')
      .set(api.admin)
      .send({ yaml: openSlo('checkout-availability').replace('target: 0.995', 'target: 0.99') });
    expect(again.status).toBe(201);
    expect(again.body.items).toEqual([expect.objectContaining({ action: 'updated', id: first.id, objective: 0.99 })]);
  });

  it('rejects unsupported fields listing each path, and stores nothing', async () => {
    const before = await slosStored();
    const yaml = openSlo('calendar-slo')
      .replace(
        '    - duration: 4w\n      isRolling: true',
        '    - duration: 1Y\n      isRolling: false\n      calendar:\n        startTime: 2025-01-01 00:00:00\n        timeZone: UTC',
      )
      .replace('budgetingMethod: Occurrences', 'budgetingMethod: RatioTimeslices')
      .replace(
        'type: Prometheus\n            spec:\n              query: http_requests_total{scenario="steady"}',
        'type: Datadog\n            spec:\n              query: sum:requests{*}',
      );
    const response = await api.http
      .post('/api/v1/slos/import')
      .set(api.admin)
      .set('Content-Type', 'application/yaml')
      .send(`${openSlo('fine-slo')}---\n${yaml}`);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('openslo_import_rejected');
    const paths = (response.body.details as Array<{ document: number; path: string }>).map((issue) => `${issue.document}:${issue.path}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^1:spec\.timeWindow\[0\]/),
        '1:spec.budgetingMethod',
        expect.stringMatching(/^1:spec\.indicator\.spec\.ratioMetric\.total\.metricSource/),
      ]),
    );
    expect(await slosStored()).toBe(before);
  });

  it('rejects a file naming an unknown service or with a selector Prometheus refuses, storing nothing', async () => {
    const before = await slosStored();
    const unknownService = await api.http
      .post('/api/v1/slos/import')
      .set(api.admin)
      .set('Content-Type', 'text/yaml')
      .send(`${openSlo('ok-one')}---\n${openSlo('lost-one').replace('service: checkout', 'service: nowhere')}`);
    expect(unknownService.status).toBe(400);
    expect(unknownService.body.details).toEqual([{ document: 1, path: 'spec.service', message: expect.stringContaining('"nowhere" does not exist') }]);
    const badRegex = await api.http
      .post('/api/v1/slos/import')
      .set(api.admin)
      .set('Content-Type', 'text/yaml')
      .send(`${openSlo('ok-two')}---\n${openSlo('bad-regex').replace('code=~"5.."', 'code=~"5(.."')}`);
    expect(badRegex.status).toBe(400);
    expect(badRegex.body.details).toEqual([
      { document: 1, path: 'spec.indicator.spec.ratioMetric.bad.metricSource.spec.query', message: expect.stringContaining('error parsing regexp') },
    ]);
    expect(await slosStored()).toBe(before);
  });

  it('refuses a team token importing into another team, and a body that is not YAML', async () => {
    expect((await api.http.post('/api/v1/slos/import').set(bearer(sreToken)).set('Content-Type', 'text/yaml').send(openSlo('not-mine'))).status).toBe(403);
    const empty = await api.http.post('/api/v1/slos/import').set(api.admin).send({ notYaml: true });
    expect(empty.status).toBe(400);
  });
});
