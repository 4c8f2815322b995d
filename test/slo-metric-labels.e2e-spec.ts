// Required metric labels (issue 18): a team bound to label matchers may only
// define SLOs whose every selector carries them, on every write path, and an
// SLO saved before the labels were set is not evaluated (state error) rather
// than silently changed. Real PostgreSQL and Prometheus.
import { DataSource } from 'typeorm';
import { FixedClock } from '@app/platform';
import { RunningApi, startApi } from './support/api-app';
import { renderOpenMetrics } from './support/openmetrics';
import { RunningPrometheus, startPrometheus } from './support/prometheus';

const NOW = new Date('2026-12-01T12:00:00Z');
const START_S = NOW.getTime() / 1000 - 6 * 3600;

let prometheus: RunningPrometheus;
let api: RunningApi;

function counter(team: string, code: string, perMinute: number) {
  const points: Array<[number, number]> = [];
  for (let minute = 0; minute <= 6 * 60; minute += 1) points.push([START_S + minute * 60, minute * perMinute]);
  return { labels: { team, code }, points };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function teamWithToken(slug: string): Promise<{ Authorization: string }> {
  expect((await api.http.post('/api/v1/teams').set(api.admin).send({ slug, name: slug })).status).toBe(201);
  expect(
    (
      await api.http
        .post('/api/v1/services')
        .set(api.admin)
        .send({ slug: `${slug}-api`, name: slug, team: slug })
    ).status,
  ).toBe(201);
  const issued = await api.http
    .post(`/api/v1/teams/${slug}/tokens`)
    .set(api.admin)
    .send({ name: `${slug}-token` });
  return bearer(issued.body.token);
}

const sloCount = async (): Promise<number> => Number((await api.app.get(DataSource).query(`SELECT count(*)::int AS n FROM slos`))[0].n);

const ratio = (service: string, name: string, indicator: object) => ({ service, name, objective: 0.99, window: '7d', indicator });

beforeAll(async () => {
  const families = [
    {
      type: 'counter' as const,
      name: 'http_requests',
      help: 'requests',
      series: [counter('payments', '200', 100), counter('payments', '500', 1), counter('checkout', '200', 50), counter('checkout', '500', 5)],
    },
  ];
  prometheus = await startPrometheus({ openMetrics: renderOpenMetrics(families) });
  api = await startApi({ clock: new FixedClock(NOW), env: { PROMETHEUS_URL: prometheus.url, SLO_REQUIRED_TEAM_LABEL: 'team' } });
}, 120_000);

afterAll(async () => {
  await api?.close();
  await prometheus?.stop();
});

describe('PATCH /api/v1/teams/:slug metricLabels', () => {
  it('is for the admin only: a team token gets 403 naming metricLabels and nothing changes', async () => {
    const token = await teamWithToken('labels-own');
    const refused = await api.http.patch('/api/v1/teams/labels-own').set(token).send({ metricLabels: {} });
    expect([refused.status, refused.body.error, refused.body.field]).toEqual([403, 'forbidden', 'metricLabels']);
    expect((await api.http.get('/api/v1/teams/labels-own').set(token)).body.metricLabels).toBeNull();
    // The team may still rename itself.
    expect((await api.http.patch('/api/v1/teams/labels-own').set(token).send({ name: 'Renamed' })).status).toBe(200);
    const set = await api.http
      .patch('/api/v1/teams/labels-own')
      .set(api.admin)
      .send({ metricLabels: { team: 'labels-own', env: 'prod' } });
    expect([set.status, set.body.metricLabels]).toEqual([200, { team: 'labels-own', env: 'prod' }]);
  });

  it.each([
    ['a list', ['team']],
    ['a non-string value', { team: 3 }],
    ['an empty value', { team: '' }],
    ['an invalid label name', { 'team-name': 'x' }],
    ['a reserved label name', { __name__: 'x' }],
  ])('refuses %s with 400 naming metricLabels', async (_label, metricLabels) => {
    const slug = `labels-bad-${Math.random().toString(36).slice(2, 8)}`;
    await teamWithToken(slug);
    const response = await api.http.patch(`/api/v1/teams/${slug}`).set(api.admin).send({ metricLabels });
    expect([response.status, response.body.field]).toEqual([400, 'metricLabels']);
    expect((await api.http.get(`/api/v1/teams/${slug}`).set(api.admin)).body.metricLabels).toBeNull();
  });
});

describe('SLO writes of a team with required labels', () => {
  it('refuses a selector without the label (403 naming the field and the label), nothing stored; accepts one with it', async () => {
    const payments = await teamWithToken('payments');
    await api.http
      .patch('/api/v1/teams/payments')
      .set(api.admin)
      .send({ metricLabels: { team: 'payments' } })
      .expect(200);
    const before = await sloCount();
    const cases: Array<[object, string]> = [
      [{ kind: 'ratio', total: 'http_requests_total', bad: 'http_requests_total{team="payments",code="500"}' }, 'indicator.total'],
      [{ kind: 'ratio', total: 'http_requests_total{team="payments"}', bad: 'http_requests_total{team="checkout",code="500"}' }, 'indicator.bad'],
      [{ kind: 'ratio', total: 'http_requests_total{team="payments"}', good: 'http_requests_total{team=~"pay.*",code="200"}' }, 'indicator.good'],
      [
        {
          kind: 'ratio',
          totalQuery: 'sum(rate(http_requests_total{team="payments"}[{{.window}}]))',
          badQuery: 'sum(rate(http_requests_total{team="payments",code="500"}[{{.window}}])) or sum(rate(http_requests_total{code="500"}[{{.window}}]))',
        },
        'indicator.badQuery',
      ],
      [{ kind: 'latency', histogram: 'latency_seconds_bucket{job="api"}', threshold: 0.3 }, 'indicator.histogram'],
    ];
    for (const [indicator, field] of cases) {
      const response = await api.http
        .post('/api/v1/slos')
        .set(payments)
        .send(ratio('payments-api', 'leaky', indicator));
      expect({ field, status: response.status, error: response.body.error, answered: response.body.field }).toEqual({
        field,
        status: 403,
        error: 'metric_labels_required',
        answered: field,
      });
      expect(response.body.message).toContain('team="payments"');
    }
    // The admin is held to the team's labels too: the SLO is the team's.
    const byAdmin = await api.http
      .post('/api/v1/slos')
      .set(api.admin)
      .send(ratio('payments-api', 'leaky', cases[0][0]));
    expect([byAdmin.status, byAdmin.body.field]).toEqual([403, 'indicator.total']);
    expect(await sloCount()).toBe(before);

    const created = await api.http
      .post('/api/v1/slos')
      .set(payments)
      .send(
        ratio('payments-api', 'availability', {
          kind: 'ratio',
          total: 'http_requests_total{team="payments"}',
          bad: 'http_requests_total{team="payments",code="500"}',
        }),
      );
    expect(created.status).toBe(201);
    expect(created.body.state).not.toBe('error');

    // PATCH: a new indicator is held to the same rule; the SLO keeps its definition.
    const patched = await api.http
      .patch(`/api/v1/slos/${created.body.id}`)
      .set(payments)
      .send({ indicator: { kind: 'ratio', total: 'http_requests_total{team="payments"}', bad: 'http_requests_total{code="500"}' } });
    expect([patched.status, patched.body.field]).toEqual([403, 'indicator.bad']);
    expect((await api.http.get(`/api/v1/slos/${created.body.id}`).set(payments)).body.indicator.bad).toBe('http_requests_total{team="payments",code="500"}');
  });

  it('applies SLO_REQUIRED_TEAM_LABEL to a team without its own labels: <label>="<team slug>"', async () => {
    const checkout = await teamWithToken('checkout');
    const reading = await api.http
      .post('/api/v1/slos')
      .set(checkout)
      .send(
        ratio('checkout-api', 'reads-payments', {
          kind: 'ratio',
          total: 'http_requests_total{team="payments"}',
          bad: 'http_requests_total{team="payments",code="500"}',
        }),
      );
    expect([reading.status, reading.body.field]).toEqual([403, 'indicator.total']);
    expect(reading.body.message).toContain('team="checkout"');
    const own = await api.http
      .post('/api/v1/slos')
      .set(checkout)
      .send(
        ratio('checkout-api', 'own', { kind: 'ratio', total: 'http_requests_total{team="checkout"}', bad: 'http_requests_total{team="checkout",code="500"}' }),
      );
    expect(own.status).toBe(201);
  });

  it('refuses an import whose documents lack the label, listing each document (403), nothing imported (dry run too)', async () => {
    const imports = await teamWithToken('imports');
    const openSlo = (name: string, team: string) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${name}
spec:
  service: imports-api
  indicator:
    metadata:
      name: ${name}-errors
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{team="${team}",code="500"}
        total:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{team="imports"}
  timeWindow:
    - duration: 4w
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.99
`;
    const yaml = [openSlo('fine', 'imports'), openSlo('leaky', 'payments')].join('---\n');
    const before = await sloCount();
    for (const path of ['/api/v1/slos/import?dryRun=true', '/api/v1/slos/import']) {
      const response = await api.http.post(path).set(imports).set('content-type', 'text/yaml').send(yaml);
      expect([path, response.status, response.body.error]).toEqual([path, 403, 'metric_labels_required']);
      expect(response.body.message).toContain('document 1');
      expect(response.body.details).toEqual([{ document: 1, path: expect.stringContaining('bad'), message: expect.stringContaining('team="imports"') }]);
    }
    expect(await sloCount()).toBe(before);
    const fine = await api.http.post('/api/v1/slos/import').set(imports).set('content-type', 'text/yaml').send(openSlo('fine', 'imports'));
    expect(fine.status).toBe(201);
  });
});

describe('an SLO saved before its team got required labels', () => {
  it('is not changed, and is not evaluated: state error naming the missing label; it evaluates again once it conforms', async () => {
    const legacy = await teamWithToken('legacy');
    await api.http.patch('/api/v1/teams/legacy').set(api.admin).send({ metricLabels: {} }).expect(200);
    const indicator = { kind: 'ratio', total: 'http_requests_total', bad: 'http_requests_total{code="500"}' };
    const created = await api.http
      .post('/api/v1/slos')
      .set(legacy)
      .send(ratio('legacy-api', 'everything', indicator));
    expect(created.status).toBe(201);
    expect(created.body.state).not.toBe('error');

    await api.http
      .patch('/api/v1/teams/legacy')
      .set(api.admin)
      .send({ metricLabels: { team: 'legacy' } })
      .expect(200);
    const evaluated = await api.http.post(`/api/v1/slos/${created.body.id}/evaluate`).set(legacy);
    expect([evaluated.status, evaluated.body.state]).toEqual([200, 'error']);
    const stored = (await api.http.get(`/api/v1/slos/${created.body.id}`).set(legacy)).body;
    expect(stored.indicator).toEqual(indicator);
    expect(stored.state).toBe('error');
    expect(JSON.stringify(stored)).toContain('team=\\"legacy\\"');

    // The team fixes it (its series are labelled team="legacy": none here, so no data, but no error).
    const fixed = await api.http
      .patch(`/api/v1/slos/${created.body.id}`)
      .set(legacy)
      .send({ indicator: { kind: 'ratio', total: 'http_requests_total{team="legacy"}', bad: 'http_requests_total{team="legacy",code="500"}' } });
    expect(fixed.status).toBe(200);
    expect(fixed.body.state).not.toBe('error');
  });
});
