// Threshold indicators and Timeslices budgeting (issue 22 item 1), the OpenSLO
// round trip of both (item 2) and the history at chosen steps (item 3), through
// the API against a real Prometheus holding a generated history: a latency
// gauge and a request counter sampled every minute for 8 days up to the
// (injected) clock, never after it. Expected slices come from the generated
// samples, never from Prometheus.
import { FixedClock } from '@app/platform';
import { SloStatus } from '@app/slo';
import { startApi, RunningApi } from './support/api-app';
import { RunningPrometheus, startPrometheus } from './support/prometheus';
import { expectSameStatus } from './support/slo-expectations';

const NOW_SECONDS = Date.parse('2025-03-03T12:00:00Z') / 1000;
const NOW = new Date(NOW_SECONDS * 1000);
const DAYS = 8;
const START_SECONDS = NOW_SECONDS - DAYS * 86_400;
const GAUGE_LIMIT = 0.3;

let prometheus: RunningPrometheus;
let api: RunningApi;

/** A minute is "spiky" (latency 0.5 s, 5 errors in 105 requests) about 1.5% of the time, in runs. */
function spiky(timeSeconds: number): boolean {
  const minute = Math.floor(timeSeconds / 60);
  return (minute * 7919) % 1000 < 15 || Math.floor(minute / 97) % 41 === 7;
}
const gaugeAt = (t: number): number => (spiky(t) ? 0.5 : 0.1 + ((t / 60) % 7) * 0.01);
const errorsAt = (t: number): number => (spiky(t) ? 5 : 0);

function openMetrics(): string {
  const lines: string[] = ['# HELP web_latency_p99_seconds p99 latency.', '# TYPE web_latency_p99_seconds gauge'];
  for (let t = START_SECONDS; t <= NOW_SECONDS; t += 60) lines.push(`web_latency_p99_seconds{service="web"} ${gaugeAt(t)} ${t}`);
  lines.push('# HELP web_requests Requests.', '# TYPE web_requests counter');
  for (const code of ['200', '500']) {
    let value = 0;
    for (let t = START_SECONDS; t <= NOW_SECONDS; t += 60) {
      value += code === '200' ? 100 : errorsAt(t);
      lines.push(`web_requests_total{service="web",code="${code}"} ${value} ${t}`);
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

/** Good and all slices ending in (end - seconds, end]. */
function expectedSlices(seconds: number, sliceSeconds: number, good: (sliceEnd: number) => boolean): { bad: number; total: number } {
  let bad = 0;
  let total = 0;
  for (let end = NOW_SECONDS - seconds + sliceSeconds; end <= NOW_SECONDS; end += sliceSeconds) {
    total += 1;
    if (!good(end)) bad += 1;
  }
  return { bad, total };
}

/** 5-minute slice good when every minute sample in it (the 1-minute points of (end - 5m, end]) is under the limit. */
const thresholdSliceGood = (end: number): boolean => [240, 180, 120, 60, 0].every((back) => gaugeAt(end - back) < GAUGE_LIMIT);
/** 1-minute slice good when 1 - errors/requests ≥ 0.99. */
const ratioSliceGood = (end: number): boolean => 1 - errorsAt(end) / (100 + errorsAt(end)) >= 0.99;

function expectFigures(status: SloStatus, objective: number, counts: { bad: number; total: number }, window: string): void {
  const ratio = counts.bad / counts.total;
  expect(counts.bad).toBeGreaterThan(0);
  expect(status.windows[window].errorRatio).toBeCloseTo(ratio, 12);
  expect(status.sli).toBeCloseTo(1 - ratio, 12);
  expect(status.errorBudgetRemaining).toBeCloseTo(1 - ratio / (1 - objective), 9);
}

const thresholdIndicator = {
  kind: 'threshold',
  query: 'web_latency_p99_seconds{service="web"}',
  op: 'lt',
  value: GAUGE_LIMIT,
  budgeting: { method: 'timeslices', slice: '5m' },
};
const ratioIndicator = {
  kind: 'ratio',
  total: 'web_requests_total{service="web"}',
  bad: 'web_requests_total{service="web",code="500"}',
  budgeting: { method: 'timeslices', slice: '1m', sliceTarget: 0.99 },
};

beforeAll(async () => {
  prometheus = await startPrometheus({ openMetrics: openMetrics() });
  api = await startApi({ clock: new FixedClock(NOW), env: { PROMETHEUS_URL: prometheus.url, SLO_EVAL_INTERVAL_S: '60' } });
  expect((await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'slices', name: 'Slices' })).status).toBe(201);
  expect((await api.http.post('/api/v1/services').set(api.admin).send({ slug: 'web', name: 'Web', team: 'slices' })).status).toBe(201);
}, 180_000);

afterAll(async () => {
  await api?.close();
  await prometheus?.stop();
});

describe('threshold indicators with Timeslices', () => {
  it('SLI = good 5-minute slices / slices, a slice good when the gauge stayed under the threshold throughout', async () => {
    const created = await api.http
      .post('/api/v1/slos')
      .set(api.admin)
      .send({ service: 'web', name: 'latency-slices', objective: 0.99, window: '7d', indicator: thresholdIndicator });
    expect(created.status).toBe(201);
    expect(created.body.indicator).toEqual({ ...thresholdIndicator, budgeting: { ...thresholdIndicator.budgeting, sliceTarget: 1 } });
    const status = created.body.status as SloStatus;
    expectFigures(status, 0.99, expectedSlices(7 * 86_400, 300, thresholdSliceGood), '7d');
    expect(status.windows['1d'].errorRatio).toBeCloseTo(
      expectedSlices(86_400, 300, thresholdSliceGood).bad / expectedSlices(86_400, 300, thresholdSliceGood).total,
      12,
    );
    // Evaluating again later the same instant gives the same figures (buckets + raw windows agree).
    const again = await api.http.post(`/api/v1/slos/${created.body.id}/evaluate`).set(api.admin);
    expect(again.status).toBe(200);
    expectSameStatus(again.body as SloStatus, status);
  });

  it('ratio indicators with Timeslices: a 1-minute slice is good when its good/total events reach sliceTarget', async () => {
    const created = await api.http
      .post('/api/v1/slos')
      .set(api.admin)
      .send({ service: 'web', name: 'ratio-slices', objective: 0.95, window: '7d', indicator: ratioIndicator });
    expect(created.status).toBe(201);
    expectFigures(created.body.status as SloStatus, 0.95, expectedSlices(7 * 86_400, 60, ratioSliceGood), '7d');
  });

  it.each([
    [{ ...thresholdIndicator, op: 'eq' }, 'indicator.op'],
    [{ ...thresholdIndicator, value: undefined }, 'indicator.value'],
    [{ ...thresholdIndicator, budgeting: { method: 'timeslices', slice: '25h' } }, 'indicator.budgeting.slice'],
    [{ ...thresholdIndicator, query: 'rate(web_latency_p99_seconds[5m]' }, 'indicator.query'],
    [{ ...ratioIndicator, budgeting: { method: 'timeslices', slice: '1m' } }, 'indicator.budgeting.sliceTarget'],
  ])('refuses %j with 400 naming %s, nothing stored', async (indicator, field) => {
    const before = (await api.http.get('/api/v1/slos').set(api.admin)).body;
    const response = await api.http.post('/api/v1/slos').set(api.admin).send({ service: 'web', name: 'refused', objective: 0.99, window: '1d', indicator });
    expect(response.status).toBe(400);
    expect(response.body.field).toBe(field);
    expect((await api.http.get('/api/v1/slos').set(api.admin)).body).toEqual(before);
  });
});

describe('OpenSLO round trip of threshold and Timeslices SLOs', () => {
  it('export → delete → import gives identical SLOs and identical figures', async () => {
    expect((await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'slices-rt', name: 'Round trip' })).status).toBe(201);
    expect((await api.http.post('/api/v1/services').set(api.admin).send({ slug: 'web-rt', name: 'Web RT', team: 'slices-rt' })).status).toBe(201);
    const originals: Array<{ id: string; name: string; objective: number; window: string; indicator: unknown; policy: unknown; status: unknown }> = [];
    for (const [name, objective, indicator] of [
      ['rt-threshold', 0.99, { ...thresholdIndicator, op: 'lte', budgeting: { method: 'timeslices', slice: '5m', sliceTarget: 0.8 } }],
      ['rt-ratio', 0.95, ratioIndicator],
    ] as const) {
      const policy = name === 'rt-threshold' ? { openIncident: true, severity: 'SEV2', autoResolveAfterMinutes: 30 } : undefined;
      const created = await api.http.post('/api/v1/slos').set(api.admin).send({ service: 'web-rt', name, objective, window: '7d', indicator, policy });
      expect(created.status).toBe(201);
      originals.push(created.body);
    }
    const exported = await api.http.get('/api/v1/slos/openslo').query({ team: 'slices-rt' }).set(api.admin);
    expect(exported.status).toBe(200);
    expect(exported.text).toContain('thresholdMetric');
    expect(exported.text).toContain('budgetingMethod: Timeslices');
    expect(exported.text).toContain('ballast.dev/policy');
    for (const original of originals) expect((await api.http.delete(`/api/v1/slos/${original.id}`).set(api.admin)).status).toBe(204);
    const reimported = await api.http
      .post('/api/v1/slos/import')
      .query({ team: 'slices-rt' })
      .set(api.admin)
      .set('Content-Type', 'text/yaml')
      .send(exported.text);
    expect(reimported.status).toBe(201);
    for (const original of originals) {
      const copy = reimported.body.items.find((item: { name: string }) => item.name === original.name);
      expect({ objective: copy.objective, window: copy.window, indicator: copy.indicator, policy: copy.policy }).toEqual({
        objective: original.objective,
        window: original.window,
        indicator: original.indicator,
        policy: original.policy,
      });
      expectSameStatus(copy.status as SloStatus, { ...(original.status as SloStatus), sloId: copy.id });
    }
  });
});

describe('history at chosen steps', () => {
  it('?step=1h gives hourly points over the window; a bad step is a 400 naming step', async () => {
    const created = await api.http
      .post('/api/v1/slos')
      .set(api.admin)
      .send({ service: 'web', name: 'history-hourly', objective: 0.99, window: '7d', indicator: thresholdIndicator });
    expect(created.status).toBe(201);
    const hourly = await api.http.get(`/api/v1/slos/${created.body.id}/history`).query({ step: '1h' }).set(api.admin);
    expect(hourly.status).toBe(200);
    expect(hourly.body.stepSeconds).toBe(3600);
    expect(hourly.body.points).toHaveLength(7 * 24 + 1);
    const times = hourly.body.points.map((point: { time: string }) => Date.parse(point.time));
    expect(times.every((time: number, index: number) => index === 0 || time - times[index - 1] === 3_600_000)).toBe(true);
    // The last point is the creation's evaluation; the one before it is derived from the buckets as it was then.
    expect(hourly.body.points[hourly.body.points.length - 1]).toMatchObject({ source: 'evaluation' });
    // The point before it is computed from the buckets at NOW - 5m: the slices ending in (NOW - 7d, NOW - 5m] (the buckets start at NOW - 7d).
    const before = hourly.body.points[hourly.body.points.length - 2];
    expect(before.source).toBe('buckets');
    let bad = 0;
    let total = 0;
    for (let end = NOW_SECONDS - 7 * 86_400 + 300; end <= NOW_SECONDS - 300; end += 300) {
      total += 1;
      if (!thresholdSliceGood(end)) bad += 1;
    }
    expect(before.sli).toBeCloseTo(1 - bad / total, 12);

    const daily = await api.http.get(`/api/v1/slos/${created.body.id}/history`).query({ step: '1d' }).set(api.admin);
    expect(daily.body.points).toHaveLength(8);
    for (const step of ['7m', '1x', '0h', '30s']) {
      const refused = await api.http.get(`/api/v1/slos/${created.body.id}/history`).query({ step }).set(api.admin);
      expect(refused.status).toBe(400);
      expect(refused.body.field).toBe('step');
    }
    const tooMany = await api.http
      .get(`/api/v1/slos/${created.body.id}/history`)
      .query({ step: '5m', from: new Date(NOW.getTime() - 30 * 86_400_000).toISOString() })
      .set(api.admin);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.field).toBe('step');
  });
});
