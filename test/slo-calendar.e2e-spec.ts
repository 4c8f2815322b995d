// Calendar windows and policy.excludeMaintenance (issue 22) against a real
// Prometheus holding a history the test generated: 1,000 requests a minute
// from 20 February 2025 to 3 March 2025 12:00 UTC, 20% of them failing in
// February, 0.1% in March, and 50% during a maintenance on 2 March 10:00–12:00.
// Samples are on the minute grid and every evaluation time on the 5-minute
// grid, so Prometheus' increase() is exact and every expected figure below is
// summed from the generated minutes (see slo-prometheus.e2e-spec.ts).
import { FixedClock } from '@app/platform';
import { startApi, RunningApi } from './support/api-app';
import { CounterFamily, renderOpenMetrics } from './support/openmetrics';
import { RunningPrometheus, startPrometheus } from './support/prometheus';

const MINUTE = 60;
const HISTORY_START = Date.parse('2025-02-20T00:00:00Z') / 1000;
const HISTORY_END = Date.parse('2025-03-03T12:00:00Z') / 1000;
const MARCH = Date.parse('2025-03-01T00:00:00Z') / 1000;
const MAINTENANCE_FROM = Date.parse('2025-03-02T10:00:00Z') / 1000;
const MAINTENANCE_UNTIL = Date.parse('2025-03-02T12:00:00Z') / 1000;
const REQUESTS_PER_MINUTE = 1000;

/** Failed requests of the minute ending at `t` (seconds). */
function errorsOfMinuteEndingAt(t: number): number {
  if (t <= MARCH) return 200;
  if (t > MAINTENANCE_FROM && t <= MAINTENANCE_UNTIL) return 500;
  return 1;
}

/** Generated events of (from, to], as the minutes ending in it. */
function eventsBetween(from: number, to: number, skip: (t: number) => boolean = () => false): { bad: number; total: number } {
  let bad = 0;
  let total = 0;
  for (let t = Math.max(from, HISTORY_START) + MINUTE; t <= to; t += MINUTE) {
    if (skip(t)) continue;
    bad += errorsOfMinuteEndingAt(t);
    total += REQUESTS_PER_MINUTE;
  }
  return { bad, total };
}

function history(): CounterFamily {
  const ok: Array<[number, number]> = [];
  const failed: Array<[number, number]> = [];
  let okCount = 0;
  let failedCount = 0;
  for (let t = HISTORY_START; t <= HISTORY_END; t += MINUTE) {
    if (t > HISTORY_START) {
      const errors = errorsOfMinuteEndingAt(t);
      failedCount += errors;
      okCount += REQUESTS_PER_MINUTE - errors;
    }
    ok.push([t, okCount]);
    failed.push([t, failedCount]);
  }
  return {
    type: 'counter',
    name: 'calendar_requests',
    help: 'Requests of the calendar test',
    series: [
      { labels: { job: 'shop', code: '200' }, points: ok },
      { labels: { job: 'shop', code: '500' }, points: failed },
    ],
  };
}

const INDICATOR = { kind: 'ratio', total: 'calendar_requests_total{job="shop"}', bad: 'calendar_requests_total{job="shop",code="500"}' };

let prometheus: RunningPrometheus;
let api: RunningApi;
let clock: FixedClock;
let token: string;

beforeAll(async () => {
  prometheus = await startPrometheus({ openMetrics: renderOpenMetrics([history()]) });
  clock = new FixedClock(new Date('2025-02-28T23:50:00Z'));
  api = await startApi({ clock, env: { PROMETHEUS_URL: prometheus.url, SLO_EVAL_INTERVAL_S: '60' } });
  expect((await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'shop', name: 'Shop' })).status).toBe(201);
  expect((await api.http.post('/api/v1/services').set(api.admin).send({ slug: 'storefront', name: 'Storefront', team: 'shop' })).status).toBe(201);
  token = (await api.http.post('/api/v1/teams/shop/tokens').set(api.admin).send({ name: 'ci' })).body.token;
}, 180_000);

afterAll(async () => {
  await api?.close();
  await prometheus?.stop();
});

const auth = (): { Authorization: string } => ({ Authorization: `Bearer ${token}` });

function expectClose(actual: number | null, expected: number): void {
  expect({ actual, close: actual !== null && Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)) }).toEqual({ actual, close: true });
}

describe('calendar windows', () => {
  it('measures the current month, and the budget starts afresh when the month changes', async () => {
    clock.set(new Date('2025-02-28T23:50:00Z'));
    const created = await api.http
      .post('/api/v1/slos')
      .set(auth())
      .send({ service: 'storefront', name: 'checkout-monthly', objective: 0.9, window: 'month', indicator: INDICATOR });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ window: 'month', timeZone: 'UTC' });
    const february = created.body.status;
    expect(february).toMatchObject({ window: 'month', timeZone: 'UTC', periodStart: '2025-02-01T00:00:00.000Z', periodEnd: '2025-03-01T00:00:00.000Z' });
    const februaryEvents = eventsBetween(Date.parse('2025-02-01T00:00:00Z') / 1000, Date.parse('2025-02-28T23:50:00Z') / 1000);
    expectClose(february.sli, 1 - februaryEvents.bad / februaryEvents.total);
    const februaryShare = (Date.parse('2025-02-28T23:50:00Z') - Date.parse('2025-02-01T00:00:00Z')) / (28 * 86_400_000);
    expectClose(february.errorBudgetRemaining, 1 - (februaryEvents.bad / februaryEvents.total / 0.1) * februaryShare);
    expect(february.errorBudgetRemaining).toBeLessThan(-0.9);
    expect(Object.keys(february.windows).sort()).toEqual(['1d', '1h', '2h', '30m', '3d', '5m', '6h', 'month']);

    clock.set(new Date('2025-03-03T12:00:00Z'));
    const march = await api.http.post(`/api/v1/slos/${created.body.id}/evaluate`).set(auth());
    expect(march.status).toBe(200);
    expect(march.body).toMatchObject({ window: 'month', periodStart: '2025-03-01T00:00:00.000Z', periodEnd: '2025-04-01T00:00:00.000Z' });
    const marchEvents = eventsBetween(MARCH, HISTORY_END);
    expectClose(march.body.sli, 1 - marchEvents.bad / marchEvents.total);
    const marchShare = (HISTORY_END - MARCH) / (31 * 86_400);
    expectClose(march.body.errorBudgetRemaining, 1 - (marchEvents.bad / marchEvents.total / 0.1) * marchShare);
    expect(march.body.errorBudgetRemaining).toBeGreaterThan(0.9);

    // The same data over a rolling 28 days still carries February's failures.
    const rolling = await api.http
      .post('/api/v1/slos')
      .set(auth())
      .send({ service: 'storefront', name: 'checkout-rolling', objective: 0.9, window: '28d', indicator: INDICATOR });
    expect(rolling.status).toBe(201);
    expect(rolling.body.status.errorBudgetRemaining).toBeLessThan(0);
  });

  it('follows the time zone: a Berlin week starts on Monday 00:00 local time', async () => {
    clock.set(new Date('2025-03-03T12:00:00Z'));
    const created = await api.http
      .post('/api/v1/slos')
      .set(auth())
      .send({ service: 'storefront', name: 'checkout-weekly', objective: 0.99, window: 'week', timeZone: 'Europe/Berlin', indicator: INDICATOR });
    expect(created.status).toBe(201);
    expect(created.body.status).toMatchObject({
      window: 'week',
      timeZone: 'Europe/Berlin',
      periodStart: '2025-03-02T23:00:00.000Z',
      periodEnd: '2025-03-09T23:00:00.000Z',
    });
    const events = eventsBetween(Date.parse('2025-03-02T23:00:00Z') / 1000, HISTORY_END);
    expectClose(created.body.status.sli, 1 - events.bad / events.total);

    const toQuarter = await api.http.patch(`/api/v1/slos/${created.body.id}`).set(auth()).send({ window: 'quarter' });
    expect(toQuarter.status).toBe(200);
    expect(toQuarter.body).toMatchObject({ window: 'quarter', timeZone: 'Europe/Berlin' });
    expect(toQuarter.body.status).toMatchObject({ window: 'quarter', periodStart: '2024-12-31T23:00:00.000Z', periodEnd: '2025-03-31T22:00:00.000Z' });

    const toRolling = await api.http.patch(`/api/v1/slos/${created.body.id}`).set(auth()).send({ window: '7d' });
    expect(toRolling.status).toBe(200);
    expect(toRolling.body.window).toBe('7d');
    expect(toRolling.body.timeZone).toBeUndefined();
    expect(toRolling.body.status.periodStart).toBeUndefined();
  });

  it('refuses an unknown time zone or a time zone on a rolling window, naming timeZone, and stores nothing', async () => {
    const unknownZone = await api.http
      .post('/api/v1/slos')
      .set(auth())
      .send({ service: 'storefront', name: 'bad-zone', objective: 0.99, window: 'month', timeZone: 'Mars/Olympus_Mons', indicator: INDICATOR });
    expect(unknownZone.status).toBe(400);
    expect(unknownZone.body).toMatchObject({ field: 'timeZone' });
    expect(unknownZone.body.message).toContain('Mars/Olympus_Mons');
    const rollingZone = await api.http
      .post('/api/v1/slos')
      .set(auth())
      .send({ service: 'storefront', name: 'bad-zone', objective: 0.99, window: '28d', timeZone: 'UTC', indicator: INDICATOR });
    expect(rollingZone.status).toBe(400);
    expect(rollingZone.body).toMatchObject({ field: 'timeZone' });
    const unknownWindow = await api.http
      .post('/api/v1/slos')
      .set(auth())
      .send({ service: 'storefront', name: 'bad-zone', objective: 0.99, window: 'year', indicator: INDICATOR });
    expect(unknownWindow.status).toBe(400);
    expect(unknownWindow.body).toMatchObject({ field: 'window' });
    const listed = await api.http.get('/api/v1/slos?service=storefront').set(auth());
    expect(listed.body.items.map((slo: { name: string }) => slo.name)).not.toContain('bad-zone');

    const existing = await api.http
      .post('/api/v1/slos')
      .set(auth())
      .send({ service: 'storefront', name: 'zone-patch', objective: 0.99, window: 'month', indicator: INDICATOR });
    const patched = await api.http.patch(`/api/v1/slos/${existing.body.id}`).set(auth()).send({ timeZone: 'Nowhere/Land' });
    expect(patched.status).toBe(400);
    expect(patched.body).toMatchObject({ field: 'timeZone' });
    expect((await api.http.get(`/api/v1/slos/${existing.body.id}`).set(auth())).body.timeZone).toBe('UTC');
  });
});

describe('OpenSLO calendar windows', () => {
  it('imports isRolling: false with a calendar, evaluates the period, and the export re-imports unchanged', async () => {
    clock.set(new Date('2025-03-03T12:00:00Z'));
    const yaml = `apiVersion: openslo/v1
kind: SLO
metadata: {name: checkout-imported-month}
spec:
  service: storefront
  indicator:
    metadata: {name: checkout-errors}
    spec:
      ratioMetric:
        counter: true
        bad: {metricSource: {type: Prometheus, spec: {query: '${INDICATOR.bad}'}}}
        total: {metricSource: {type: Prometheus, spec: {query: '${INDICATOR.total}'}}}
  timeWindow:
    - duration: 1M
      isRolling: false
      calendar: {startTime: 2022-01-01 12:00:00, timeZone: Europe/Berlin}
  budgetingMethod: Occurrences
  objectives: [{target: 0.9}]
`;
    const imported = await api.http.post('/api/v1/slos/import').set(auth()).send({ yaml });
    expect(imported.status).toBe(201);
    const [item] = imported.body.items;
    expect(item).toMatchObject({ action: 'created', name: 'checkout-imported-month' });
    const slo = await api.http.get(`/api/v1/slos/${item.id}`).set(auth());
    expect(slo.body).toMatchObject({ window: 'month', timeZone: 'Europe/Berlin' });
    expect(slo.body.status).toMatchObject({ window: 'month', periodStart: '2025-02-28T23:00:00.000Z', periodEnd: '2025-03-31T22:00:00.000Z' });
    const events = eventsBetween(Date.parse('2025-02-28T23:00:00Z') / 1000, HISTORY_END);
    expectClose(slo.body.status.sli, 1 - events.bad / events.total);

    const exported = await api.http.get('/api/v1/slos/openslo').query({ team: 'shop' }).set(auth());
    expect(exported.status).toBe(200);
    expect(exported.text).toContain('duration: 1M');
    expect(exported.text).toContain('timeZone: Europe/Berlin');
    const again = await api.http.post('/api/v1/slos/import').set(auth()).send({ yaml: exported.text });
    expect(again.status).toBe(201);
    expect(again.body.items.find((entry: { id: string }) => entry.id === item.id)).toMatchObject({ action: 'unchanged' });

    const refused = await api.http
      .post('/api/v1/slos/import')
      .set(auth())
      .send({ yaml: yaml.replace('duration: 1M', 'duration: 1Y') });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('must last 1w (or 7d), 1M or 1Q (or 3M)');
  });
});

describe('the SLO page of a calendar SLO', () => {
  it('charts the current period by default, and 7d/28d/90d or the calendar period when picked', async () => {
    clock.set(new Date('2025-03-03T12:00:00Z'));
    const created = await api.http
      .post('/api/v1/slos')
      .set(auth())
      .send({ service: 'storefront', name: 'checkout-page', objective: 0.9, window: 'month', indicator: INDICATOR });
    expect(created.status).toBe(201);
    // The history covers the current period from its start, each point measured over its period so far.
    const history = await api.http.get(`/api/v1/slos/${created.body.id}/history`).set(auth());
    expect(history.status).toBe(200);
    expect(history.body).toMatchObject({ window: 'month', from: '2025-03-01T00:00:00.000Z', to: '2025-03-03T12:00:00.000Z' });
    expect(history.body.points.length).toBeGreaterThan(10);
    // Over a rolling window February's 20% failures would show (SLI about 0.8); March's period is above 0.95 throughout.
    expect(history.body.points.filter((point: { sli: number | null }) => point.sli === null || point.sli < 0.95)).toEqual([]);
    const page = await api.http.get(`/dashboard/slos/${created.body.id}`).set(api.admin);
    expect(page.status).toBe(200);
    expect(page.text).toContain('over the calendar month since 2025-03-01 00:00 UTC (UTC) window (2025-03-01 00:00 to 2025-03-03 12:00 UTC)');
    expect(page.text).toContain('Calendar period since 2025-03-01 00:00 UTC; the budget starts afresh at 2025-04-01 00:00 UTC (UTC).');
    for (const period of ['7d', '28d', '90d', 'calendar']) expect(page.text).toContain(`?period&#x3D;${period}`);
    const week = await api.http.get(`/dashboard/slos/${created.body.id}`).query({ period: '7d' }).set(api.admin);
    expect(week.status).toBe(200);
    expect(week.text).toContain('aria-current="page">7d');
    expect(week.text).toContain('over the 7d window (2025-02-24 12:00 to 2025-03-03 12:00 UTC)');
    const calendar = await api.http.get(`/dashboard/slos/${created.body.id}`).query({ period: 'calendar' }).set(api.admin);
    expect(calendar.status).toBe(200);
    expect(calendar.text).toContain('aria-current="page">this month');
    expect(calendar.text).toContain('(2025-03-01 00:00 to 2025-03-03 12:00 UTC)');
    expect((await api.http.get(`/dashboard/slos/${created.body.id}`).query({ period: 'fortnight' }).set(api.admin)).status).toBe(400);
  });
});

describe('policy.excludeMaintenance', () => {
  it('leaves the buckets of a maintenance of the linked component out of the budget and says how many events', async () => {
    clock.set(new Date('2025-03-03T12:00:00Z'));
    const component = await api.http.post('/api/v1/status/components').set(api.admin).send({ name: 'Checkout' });
    expect(component.status).toBe(201);
    const maintenance = await api.http
      .post('/api/v1/status/maintenances')
      .set(api.admin)
      .send({
        name: 'Database upgrade',
        body: 'Checkout may fail for a while.',
        components: [component.body.id],
        scheduledFor: new Date(MAINTENANCE_FROM * 1000).toISOString(),
        scheduledUntil: new Date(MAINTENANCE_UNTIL * 1000).toISOString(),
      });
    expect(maintenance.status).toBe(201);

    const policy = { openIncident: false, statusComponentId: component.body.id, excludeMaintenance: true };
    const excluding = await api.http
      .post('/api/v1/slos')
      .set(api.admin)
      .send({ service: 'storefront', name: 'checkout-excluding', objective: 0.99, window: 'month', indicator: INDICATOR, policy });
    expect(excluding.status).toBe(201);
    const inMaintenance = (t: number): boolean => t > MAINTENANCE_FROM && t <= MAINTENANCE_UNTIL;
    const excluded = eventsBetween(MAINTENANCE_FROM, MAINTENANCE_UNTIL);
    expect(excluding.body.status.excludedEvents).toEqual(excluded);
    const counted = eventsBetween(MARCH, HISTORY_END, inMaintenance);
    expectClose(excluding.body.status.sli, 1 - counted.bad / counted.total);
    expect(excluding.body.status.errorBudgetRemaining).toBeGreaterThan(0.9);

    // Without the policy the maintenance's failures spend the budget.
    const counting = await api.http
      .post('/api/v1/slos')
      .set(api.admin)
      .send({
        service: 'storefront',
        name: 'checkout-counting',
        objective: 0.99,
        window: 'month',
        indicator: INDICATOR,
        policy: { ...policy, excludeMaintenance: false },
      });
    expect(counting.status).toBe(201);
    expect(counting.body.status.excludedEvents).toBeUndefined();
    const page = await api.http.get(`/dashboard/slos/${excluding.body.id}`).set(api.admin);
    expect(page.text).toContain(`Left out for maintenance: ${excluded.bad} bad of ${excluded.total} events.`);
    const all = eventsBetween(MARCH, HISTORY_END);
    expectClose(counting.body.status.sli, 1 - all.bad / all.total);
    expect(counting.body.status.errorBudgetRemaining).toBeLessThan(excluding.body.status.errorBudgetRemaining);
  });

  it('refuses a non-boolean excludeMaintenance naming the field', async () => {
    const response = await api.http
      .post('/api/v1/slos')
      .set(auth())
      .send({
        service: 'storefront',
        name: 'bad-policy',
        objective: 0.99,
        window: '7d',
        indicator: INDICATOR,
        policy: { openIncident: false, excludeMaintenance: 'yes' },
      });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ field: 'policy.excludeMaintenance' });
  });
});
