// SLO specs as teams already have them (OpenSLO v1/v1alpha, Sloth, Pyrra) and
// PromQL template indicators, through the API against a real Prometheus holding
// generated traffic. Expected figures come from the generated events
// (test/support/synthetic-traffic.ts), never from Prometheus or stored buckets.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { DataSource } from 'typeorm';
import { FixedClock } from '@app/platform';
import { evaluateSloStatus, EVALUATION_WINDOWS, SloStatus, StatusWindowKey, statusWindowSeconds } from '@app/slo';
import { startApi, RunningApi } from './support/api-app';
import { renderOpenMetrics } from './support/openmetrics';
import { RunningPrometheus, startPrometheus } from './support/prometheus';
import { expectedStatus, expectSameStatus } from './support/slo-expectations';
import { buildSyntheticHistory, expectedEvents, SyntheticHistory, TrafficScenario } from './support/synthetic-traffic';

const execFileAsync = promisify(execFile);
const NOW_SECONDS = Date.parse('2025-03-03T12:00:00Z') / 1000;
const NOW = new Date(NOW_SECONDS * 1000);
const HISTORY_DAYS = 31;
const FIXTURES = join(__dirname, '..', 'libs', 'slo', 'src', 'domain', 'fixtures', 'specs');

let history: SyntheticHistory;
let prometheus: RunningPrometheus;
let api: RunningApi;
let platformToken: string;
let paymentsToken: string;

function scenarioNamed(name: string): TrafficScenario {
  const scenario = history.scenarios.find((candidate) => candidate.name === name);
  if (!scenario) throw new Error(`no scenario ${name}`);
  return scenario;
}

const bearer = (token: string): { Authorization: string } => ({ Authorization: `Bearer ${token}` });

async function sql<T = Record<string, unknown>>(query: string, parameters: unknown[] = []): Promise<T[]> {
  return api.app.get(DataSource).query(query, parameters);
}

async function sloCount(): Promise<number> {
  return Number((await sql<{ count: string }>('SELECT count(*) FROM slos'))[0].count);
}

function importYaml(yaml: string, query: Record<string, string> = {}, token?: string) {
  return api.http
    .post('/api/v1/slos/import')
    .query(query)
    .set(token === undefined ? api.admin : bearer(token))
    .set('Content-Type', 'text/yaml')
    .send(yaml);
}

/** A fixture with its metric selectors pointed at a generated scenario. */
function fixtureFor(name: string, replacements: ReadonlyArray<[string | RegExp, string]>): string {
  let text = readFileSync(join(FIXTURES, name), 'utf8');
  for (const [from, to] of replacements) text = text.split(from as string).join(to);
  return text;
}

beforeAll(async () => {
  history = buildSyntheticHistory({ now: NOW_SECONDS, days: HISTORY_DAYS });
  prometheus = await startPrometheus({ openMetrics: renderOpenMetrics(history.families) });
  api = await startApi({ clock: new FixedClock(NOW), env: { PROMETHEUS_URL: prometheus.url, SLO_EVAL_INTERVAL_S: '60' } });
  for (const team of ['platform', 'payments']) {
    expect((await api.http.post('/api/v1/teams').set(api.admin).send({ slug: team, name: team })).status).toBe(201);
  }
  expect((await api.http.post('/api/v1/services').set(api.admin).send({ slug: 'edge', name: 'Edge', team: 'platform' })).status).toBe(201);
  expect((await api.http.post('/api/v1/services').set(api.admin).send({ slug: 'billing', name: 'Billing', team: 'payments' })).status).toBe(201);
  platformToken = (await api.http.post('/api/v1/teams/platform/tokens').set(api.admin).send({ name: 'ci' })).body.token;
  paymentsToken = (await api.http.post('/api/v1/teams/payments/tokens').set(api.admin).send({ name: 'ci' })).body.token;
}, 180_000);

afterAll(async () => {
  await api?.close();
  await prometheus?.stop();
});

describe('PromQL template indicators', () => {
  it.each([
    ['steady', 'bad', 'sum(rate(http_requests_total{scenario="steady",code=~"5.."}[{{.window}}]))'],
    ['burst', 'good', 'sum(rate(http_requests_total{scenario="burst",code=~"2.."}[{{.window}}]))'],
    ['counter-reset', 'bad', 'sum by (code) (rate(http_requests_total{scenario="counter-reset",code=~"5.."}[{{.window}}]))'],
  ])('%s: the template gives the same figures as the selector form and as the generated events', async (scenarioName, part, query) => {
    const scenario = scenarioNamed(scenarioName);
    const selectorForm = await api.http
      .post('/api/v1/slos')
      .set(api.admin)
      .send({ service: 'edge', name: `${scenarioName}-selectors`, objective: 0.99, window: '7d', indicator: scenario.indicator });
    const templateForm = await api.http
      .post('/api/v1/slos')
      .set(api.admin)
      .send({
        service: 'edge',
        name: `${scenarioName}-template`,
        objective: 0.99,
        window: '7d',
        indicator: { kind: 'ratio', totalQuery: `sum(rate(http_requests_total{scenario="${scenarioName}"}[{{.window}}]))`, [`${part}Query`]: query },
      });
    expect([selectorForm.status, templateForm.status]).toEqual([201, 201]);
    expect(templateForm.body.warnings).toEqual([]);
    const expected = expectedStatus(scenario, { id: templateForm.body.id, objective: 0.99, window: '7d' }, NOW_SECONDS);
    expectSameStatus(templateForm.body.status as SloStatus, expected);
    expectSameStatus(templateForm.body.status as SloStatus, { ...(selectorForm.body.status as SloStatus), sloId: templateForm.body.id });
    const buckets = await sql<{ n: string }>('SELECT count(*) AS n FROM slo_event_buckets WHERE slo_id = $1', [templateForm.body.id]);
    expect(Number(buckets[0].n)).toBe(7 * 288);
  });

  it('refuses bad templates with 400 naming the field: no {{.window}}, a syntax error with its position, a range, Prometheus refusing it', async () => {
    const before = await sloCount();
    const create = (totalQuery: string) =>
      api.http
        .post('/api/v1/slos')
        .set(api.admin)
        .send({
          service: 'edge',
          name: 'broken-template',
          objective: 0.99,
          window: '7d',
          indicator: { kind: 'ratio', totalQuery, badQuery: 'sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))' },
        });
    const noWindow = await create('sum(rate(http_requests_total[5m]))');
    expect(noWindow.status).toBe(400);
    expect(noWindow.body).toMatchObject({ error: 'validation_failed', field: 'indicator.totalQuery' });
    const syntax = await create('sum(rate(http_requests_total[{{.window}}])');
    expect(syntax.status).toBe(400);
    expect(syntax.body.message).toMatch(/syntax error at line 1, column \d+/);
    const range = await create('http_requests_total[{{.window}}]');
    expect(range.body).toMatchObject({ field: 'indicator.totalQuery', message: expect.stringMatching(/range vector/) });
    const refused = await create('sum(rate(http_requests_total{code=~"5(.."}[{{.window}}]))');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ field: 'indicator.totalQuery', message: expect.stringMatching(/Prometheus rejected indicator.totalQuery: .*regexp/) });
    expect(await sloCount()).toBe(before);
  });
});

describe('POST /api/v1/slos/import', () => {
  const steadyTotal = 'sum(rate(http_requests_total{scenario="steady"}[{{.window}}]))';
  const steadyErrors = 'sum(rate(http_requests_total{scenario="steady",code=~"5.."}[{{.window}}]))';

  it('imports the OpenSLO v1 list form with ?team=: creates the service, several objectives, DataSource references, mapped alert policy; figures exact', async () => {
    const yaml = fixtureFor('openslo-v1-list.yaml', [
      ['http_requests_total{job="checkout",code=~"5.."}', 'http_requests_total{scenario="steady",code=~"5.."}'],
      ['http_requests_total{job="checkout"}', 'http_requests_total{scenario="steady"}'],
      ['http_request_duration_seconds_bucket{job="checkout",le="0.3"}', 'http_request_duration_seconds_bucket{scenario="day-night",le="0.3"}'],
      ['http_request_duration_seconds_count{job="checkout"}', 'http_request_duration_seconds_count{scenario="day-night"}'],
    ]);
    const response = await importYaml(yaml, { team: 'payments' }, paymentsToken);
    expect(response.status).toBe(201);
    expect(response.body.services).toEqual([{ slug: 'checkout', team: 'payments', action: 'created' }]);
    expect(
      response.body.items.map((item: { action: string; name: string; objective: number; window: string; team: string }) => [
        item.action,
        item.name,
        item.objective,
        item.window,
        item.team,
      ]),
    ).toEqual([
      ['created', 'checkout-availability-good', 0.99, '28d', 'payments'],
      ['created', 'checkout-availability-great', 0.999, '28d', 'payments'],
      ['created', 'checkout-latency', 0.95, '7d', 'payments'],
    ]);
    const [good, , latency] = response.body.items;
    expect(good.indicator).toEqual({ kind: 'ratio', totalQuery: steadyTotal, badQuery: steadyErrors });
    expect(good.policy).toMatchObject({ openIncident: true, severity: 'SEV2' });
    expect(latency.policy).toMatchObject({ openIncident: false });
    expectSameStatus(good.status, expectedStatus(scenarioNamed('steady'), { id: good.id, objective: 0.99, window: '28d' }, NOW_SECONDS));
    expectSameStatus(latency.status, expectedStatus(scenarioNamed('day-night'), { id: latency.id, objective: 0.95, window: '7d' }, NOW_SECONDS));
    expect(response.body.notes.map((note: { message: string }) => note.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/notification target "checkout-oncall" is not imported/)]),
    );
    const service = await api.http.get('/api/v1/services/checkout').set(api.admin);
    expect(service.body).toMatchObject({ slug: 'checkout', name: 'Checkout', team: 'payments' });
  });

  it('applies like kubectl: dry run changes nothing, same input is unchanged, a change updates, prune deletes what the input lacks', async () => {
    // Its own team and service, so what prune deletes depends on this test only.
    expect((await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'ledger', name: 'Ledger' })).status).toBe(201);
    expect((await api.http.post('/api/v1/services').set(api.admin).send({ slug: 'ledger-api', name: 'Ledger API', team: 'ledger' })).status).toBe(201);
    const ledgerToken = (await api.http.post('/api/v1/teams/ledger/tokens').set(api.admin).send({ name: 'ci' })).body.token as string;
    const sloth = (objective: string, extra = '') => `version: prometheus/v1
service: ledger-api
labels:
  owner: ledger
slos:
  - name: billing-availability
    objective: ${objective}
    sli:
      events:
        error_query: ${steadyErrors}
        total_query: ${steadyTotal}
    alerting:
      name: BillingHighErrorRate
      page_alert:
        labels:
          severity: pageteam
${extra}`;
    const second = `  - name: billing-second
    objective: 99
    sli:
      events:
        error_query: ${steadyErrors}
        total_query: ${steadyTotal}
`;
    const before = await sloCount();
    const dryRun = await importYaml(sloth('99.9', second), { team: 'ledger', dryRun: 'true' }, ledgerToken);
    expect(dryRun.status).toBe(201);
    expect(dryRun.body.dryRun).toBe(true);
    expect(dryRun.body.items.map((item: { action: string; name: string }) => [item.action, item.name])).toEqual([
      ['created', 'billing-availability'],
      ['created', 'billing-second'],
    ]);
    expect(await sloCount()).toBe(before);

    const applied = await importYaml(sloth('99.9', second), { team: 'ledger' }, ledgerToken);
    expect(applied.body.items.map((item: { action: string }) => item.action)).toEqual(['created', 'created']);
    expectSameStatus(
      applied.body.items[0].status,
      expectedStatus(scenarioNamed('steady'), { id: applied.body.items[0].id, objective: 0.999, window: '30d' }, NOW_SECONDS),
    );
    const stored = await sql<{ alerting: unknown }>('SELECT alerting FROM slos WHERE id = $1', [applied.body.items[0].id]);
    expect(stored[0].alerting).toEqual({ name: 'BillingHighErrorRate', labels: { owner: 'ledger' }, pageLabels: { severity: 'pageteam' } });

    const same = await importYaml(sloth('99.9', second), { team: 'ledger' }, ledgerToken);
    expect(same.body.items.map((item: { action: string }) => item.action)).toEqual(['unchanged', 'unchanged']);

    const planPrune = await importYaml(sloth('99.5'), { team: 'ledger', prune: 'true', dryRun: 'true' }, ledgerToken);
    const planned = planPrune.body.items.map((item: { action: string; name: string }) => `${item.action} ${item.name}`);
    expect(planned).toEqual(['updated billing-availability', 'deleted billing-second']);
    expect(await sloCount()).toBe(before + 2);

    const pruned = await importYaml(sloth('99.5'), { team: 'ledger', prune: 'true' }, ledgerToken);
    expect(pruned.status).toBe(201);
    expect(pruned.body.items[0]).toMatchObject({ action: 'updated', id: applied.body.items[0].id, objective: 0.995 });
    const left = await sql<{ name: string }>(
      `SELECT slo.name FROM slos slo JOIN services s ON s.id = slo.service_id JOIN teams t ON t.id = s.team_id WHERE t.slug = 'ledger' ORDER BY slo.name`,
    );
    expect(left.map((row) => row.name)).toEqual(['billing-availability']);
    // Other teams' SLOs are untouched by ledger's prune.
    expect(
      Number((await sql<{ n: string }>(`SELECT count(*) AS n FROM slos slo JOIN services s ON s.id = slo.service_id WHERE s.slug = 'edge'`))[0].n),
    ).toBeGreaterThan(0);
  });

  it('?prune=true without ?team= is a 400 naming prune', async () => {
    const response = await importYaml(readFileSync(join(FIXTURES, 'sloth-prometheus-v1.yaml'), 'utf8'), { prune: 'true' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'validation_failed', field: 'prune' });
  });

  it("keeps teams apart: another team in ?team=, or a spec naming another team's service, is 403 and writes nothing", async () => {
    const before = await sloCount();
    const sloth = (service: string) => `version: prometheus/v1
service: ${service}
slos:
  - name: intruder
    objective: 99
    sli:
      events:
        error_query: ${steadyErrors}
        total_query: ${steadyTotal}
`;
    expect((await importYaml(sloth('new-thing'), { team: 'platform' }, paymentsToken)).status).toBe(403);
    expect((await importYaml(sloth('edge'), {}, paymentsToken)).status).toBe(403);
    const wrongTeam = await importYaml(sloth('edge'), { team: 'payments' });
    expect(wrongTeam.status).toBe(400);
    expect(wrongTeam.body.message).toContain('service "edge" belongs to team "platform", not "payments"');
    expect((await importYaml(sloth('edge'), { prune: 'true', team: 'platform', dryRun: 'true' }, paymentsToken)).status).toBe(403);
    expect(await sloCount()).toBe(before);
    expect((await api.http.get('/api/v1/services/new-thing').set(api.admin)).status).toBe(404);
  });

  it('imports Sloth sloth.slok.dev/v1, OpenSLO v1alpha and Pyrra (ratio, latency, bool_gauge) specs', async () => {
    const kubernetes = fixtureFor('sloth-kubernetes.yaml', [
      ['http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}', 'http_requests_total{scenario="burst",code=~"5.."}'],
      ['http_request_duration_seconds_count{job="myservice"}', 'http_requests_total{scenario="burst"}'],
    ]);
    const v1alpha = fixtureFor('openslo-v1alpha-sloth.yaml', [
      ['http_request_duration_seconds_count{job="myservice",code!~"(5..|429)"}', 'http_requests_total{scenario="steady",code!~"(5..|429)"}'],
      ['http_request_duration_seconds_count{job="myservice"}', 'http_requests_total{scenario="steady"}'],
    ]);
    const pyrra = fixtureFor('pyrra.yaml', [
      ['http_requests_total{job="pyrra",code=~"5.."}', 'http_requests_total{scenario="steady",code=~"5.."}'],
      ['http_requests_total{job="pyrra"}', 'http_requests_total{scenario="steady"}'],
      ['http_request_duration_seconds_bucket{job="pyrra",le="1"}', 'http_request_duration_seconds_bucket{scenario="day-night",le="0.3"}'],
      ['http_request_duration_seconds_count{job="pyrra"}', 'http_request_duration_seconds_count{scenario="day-night"}'],
      ['up{job="prometheus"}', 'http_request_duration_seconds_count{scenario="day-night"} > bool 0'],
    ]);
    const response = await importYaml(`${kubernetes}---\n${v1alpha}---\n${pyrra}`, { team: 'platform' }, platformToken);
    expect(response.status).toBe(400);
    // `x > bool 0` is not a series selector: the bool_gauge metric must be one.
    expect(response.body.details).toEqual([expect.objectContaining({ document: 4, path: 'spec.indicator.bool_gauge.metric' })]);

    const fixed = pyrra.replace('http_request_duration_seconds_count{scenario="day-night"} > bool 0', 'up{job="prometheus"}');
    const imported = await importYaml(`${kubernetes}---\n${v1alpha}---\n${fixed}`, { team: 'platform' }, platformToken);
    expect(imported.status).toBe(201);
    const byName = new Map<string, { id: string; status: SloStatus; service: string; indicator: unknown; warnings: Array<{ code: string }> }>(
      imported.body.items.map((item: { name: string }) => [item.name, item]),
    );
    expect([...byName.keys()]).toEqual(['requests-availability', 'slo1-0', 'slo1-1', 'pyrra-api-errors', 'pyrra-api-latency', 'prometheus-up']);
    const sloth = byName.get('requests-availability');
    expectSameStatus(
      sloth?.status as SloStatus,
      expectedStatus(scenarioNamed('burst'), { id: sloth?.id as string, objective: 0.999, window: '30d' }, NOW_SECONDS),
    );
    const pyrraRatio = byName.get('pyrra-api-errors');
    expectSameStatus(
      pyrraRatio?.status as SloStatus,
      expectedStatus(scenarioNamed('steady'), { id: pyrraRatio?.id as string, objective: 0.99, window: '14d' }, NOW_SECONDS),
    );
    const pyrraLatency = byName.get('pyrra-api-latency');
    expect(pyrraLatency?.indicator).toEqual({ kind: 'latency', histogram: 'http_request_duration_seconds_bucket{scenario="day-night"}', threshold: '0.3' });
    expectSameStatus(
      pyrraLatency?.status as SloStatus,
      expectedStatus(scenarioNamed('day-night'), { id: pyrraLatency?.id as string, objective: 0.995, window: '28d' }, NOW_SECONDS),
    );
    // No `up` series in this Prometheus: accepted with a warning, no data.
    expect(byName.get('prometheus-up')?.warnings.map((warning) => warning.code)).toContain('no_series');
    expect(imported.body.services.map((service: { slug: string; action: string }) => `${service.slug}:${service.action}`).sort()).toEqual([
      'myservice:created',
      'prometheus:created',
      'pyrra:created',
      'svc01:created',
    ]);
  });

  it('refuses what Prometheus cannot measure, naming document, field and data source; all or nothing', async () => {
    const before = await sloCount();
    const refused = readFileSync(join(FIXTURES, 'openslo-refused.yaml'), 'utf8');
    const response = await importYaml(refused, { team: 'platform' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'openslo_import_rejected', field: 'document 1 spec.indicator.spec.ratioMetric.total.metricSource.type' });
    expect(response.body.message).toContain(
      'document 1 spec.indicator.spec.ratioMetric.good.metricSource.metricSourceRef: data source "Datadog" cannot be measured by Ballast',
    );
    expect(response.body.message).toContain('document 2 spec.budgetingMethod');
    expect(await sloCount()).toBe(before);
    expect((await api.http.get('/api/v1/services/web').set(api.admin)).status).toBe(404);
  });
});

describe('export', () => {
  it('OpenSLO export → delete → import gives identical SLOs and identical figures', async () => {
    expect((await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'roundtrip', name: 'Round trip' })).status).toBe(201);
    expect((await api.http.post('/api/v1/services').set(api.admin).send({ slug: 'rt-web', name: 'RT web', team: 'roundtrip' })).status).toBe(201);
    const definitions = [
      { name: 'rt-selectors', objective: 0.995, window: '28d', description: 'selectors', indicator: scenarioNamed('steady').indicator },
      {
        name: 'rt-templates',
        objective: 0.99,
        window: '7d',
        indicator: {
          kind: 'ratio',
          totalQuery: 'sum(rate(http_requests_total{scenario="burst"}[{{.window}}]))',
          goodQuery: 'sum(rate(http_requests_total{scenario="burst",code=~"2.."}[{{.window}}]))',
        },
      },
      { name: 'rt-latency', objective: 0.99, window: '30d', indicator: scenarioNamed('day-night').indicator },
    ];
    const originals = [];
    for (const definition of definitions) {
      const created = await api.http
        .post('/api/v1/slos')
        .set(api.admin)
        .send({ service: 'rt-web', ...definition });
      expect(created.status).toBe(201);
      originals.push(created.body);
    }
    const exported = await api.http.get('/api/v1/slos/openslo').query({ team: 'roundtrip' }).set(bearer(paymentsToken));
    expect(exported.status).toBe(200);
    expect(exported.headers['content-type']).toMatch(/yaml/);
    // Applying the export to the same data changes nothing.
    const again = await importYaml(exported.text, { team: 'roundtrip' });
    expect(again.body.items.map((item: { action: string }) => item.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);

    for (const original of originals) expect((await api.http.delete(`/api/v1/slos/${original.id}`).set(api.admin)).status).toBe(204);
    const reimported = await importYaml(exported.text, { team: 'roundtrip' });
    expect(reimported.status).toBe(201);
    const shape = (slo: Record<string, unknown>) => ({
      service: slo.service,
      team: slo.team,
      name: slo.name,
      description: slo.description,
      objective: slo.objective,
      window: slo.window,
      indicator: slo.indicator,
      policy: slo.policy,
    });
    const byName = (items: Array<Record<string, unknown>>) => [...items].sort((a, b) => String(a.name).localeCompare(String(b.name)));
    expect(byName(reimported.body.items).map(shape)).toEqual(byName(originals).map(shape));
    for (const original of originals) {
      const copy = reimported.body.items.find((item: { name: string }) => item.name === original.name);
      expectSameStatus(copy.status as SloStatus, { ...(original.status as SloStatus), sloId: copy.id });
    }
  });

  it('Sloth rules pass promtool check rules and promtool test rules (metadata values, named alerts)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ballast-sloth-'));
    try {
      expect((await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'slothy', name: 'Slothy' })).status).toBe(201);
      const yaml = `version: prometheus/v1
service: sloth-api
labels:
  owner: slothy
slos:
  - name: requests-availability
    objective: 98
    sli:
      events:
        error_query: sum(rate(promtool_requests_total{code="500"}[{{.window}}]))
        total_query: sum(rate(promtool_requests_total[{{.window}}]))
    alerting:
      name: SlothApiHighErrorRate
      page_alert:
        labels:
          severity: pageteam
`;
      expect((await importYaml(yaml, { team: 'slothy' })).status).toBe(201);
      const rules = await api.http.get('/api/v1/slos/rules').query({ format: 'sloth', service: 'sloth-api' }).set(api.admin);
      expect(rules.status).toBe(200);
      writeFileSync(join(dir, 'rules.yml'), rules.text);
      const checked = await execFileAsync('promtool', ['check', 'rules', join(dir, 'rules.yml')]);
      expect(checked.stdout).toMatch(/SUCCESS/);
      const id = 'sloth-api-requests-availability';
      const alertRules = (
        parse(rules.text) as { groups: Array<{ rules: Array<{ alert?: string; labels: Record<string, string>; annotations: Record<string, string> }> }> }
      ).groups
        .flatMap((group) => group.rules)
        .filter((rule) => rule.alert === 'SlothApiHighErrorRate');
      expect(
        alertRules.map((rule) => `${rule.labels.sloth_severity} ${rule.labels.long_window}/${rule.labels.short_window} ${rule.labels.severity ?? '-'}`),
      ).toEqual(['page 1h/5m pageteam', 'page 6h/30m pageteam', 'ticket 1d/2h -', 'ticket 3d/6h -']);
      const sample = (expr: string, value: number, at = '100m') => ({
        // Rounded: rates are floating point (0.019999999999999997 for 0.02).
        expr: `round(sum by (sloth_id) (${expr}{sloth_id="${id}"}), 0.0001)`,
        eval_time: at,
        exp_samples: [{ labels: `{sloth_id="${id}"}`, value }],
      });
      const test = {
        rule_files: ['rules.yml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [
              { series: 'promtool_requests_total{code="200"}', values: '0+98x400' },
              { series: 'promtool_requests_total{code="500"}', values: '0+2x400' },
            ],
            promql_expr_test: [
              sample('slo:objective:ratio', 0.98),
              sample('slo:time_period:days', 30),
              sample('slo:sli_error:ratio_rate5m', 0.02),
              sample('slo:sli_error:ratio_rate1h', 0.02),
              sample('slo:sli_error:ratio_rate30d', 0.02, '200m'),
              sample('slo:period_burn_rate:ratio', 1, '200m'),
              sample('slo:period_error_budget_remaining:ratio', 0, '200m'),
              sample('sloth_slo_info', 1),
            ],
            // Burn rate 1: no tier fires.
            alert_rule_test: [{ eval_time: '400m', alertname: 'SlothApiHighErrorRate', exp_alerts: [] }],
          },
          {
            // Half the requests fail: burn rate 25, every tier fires under the SLO's own alert name and labels.
            interval: '1m',
            input_series: [
              { series: 'promtool_requests_total{code="200"}', values: '0+50x400' },
              { series: 'promtool_requests_total{code="500"}', values: '0+50x400' },
            ],
            alert_rule_test: [
              {
                eval_time: '400m',
                alertname: 'SlothApiHighErrorRate',
                exp_alerts: alertRules.map((rule) => ({
                  exp_labels: { owner: 'slothy', sloth_id: id, sloth_service: 'sloth-api', sloth_slo: 'requests-availability', ...rule.labels },
                  exp_annotations: rule.annotations,
                })),
              },
            ],
          },
        ],
      };
      writeFileSync(join(dir, 'test.yml'), stringify(test));
      const tested = await execFileAsync('promtool', ['test', 'rules', join(dir, 'test.yml')]).catch((error: { stdout?: string; stderr?: string }) => {
        throw new Error(`promtool test rules failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      });
      expect(tested.stdout).toMatch(/SUCCESS/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('history from day one', () => {
  it("a new SLO's /history covers its whole window from the backfilled buckets, each step as it was then", async () => {
    const scenario = scenarioNamed('burst');
    const created = await api.http
      .post('/api/v1/slos')
      .set(api.admin)
      .send({ service: 'edge', name: 'history-day-one', objective: 0.999, window: '7d', indicator: scenario.indicator });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const response = await api.http.get(`/api/v1/slos/${id}/history`).set(api.admin);
    expect(response.status).toBe(200);
    const step = response.body.stepSeconds as number;
    expect(step).toBe(1800); // 7 days in at most 500 points
    const points = response.body.points as Array<{
      time: string;
      evaluations: number;
      source: string;
      sli: number | null;
      errorBudgetRemaining: number | null;
      state: string;
    }>;
    // 7 days of half-hour steps: the first bin starts at the window's start, the last holds the creation's evaluation.
    expect(points).toHaveLength(7 * 48 + 1);
    expect(points[0].time).toBe(new Date(NOW.getTime() - 7 * 86_400_000).toISOString());
    expect(points[points.length - 1]).toMatchObject({ time: NOW.toISOString(), source: 'evaluation', evaluations: 1 });
    expect(points.filter((point) => point.source === 'buckets').length).toBe(points.length - 1);

    // Every derived point equals the status computed from the generated events over the part of its window the buckets cover.
    const coverageStart = NOW_SECONDS - 7 * 86_400;
    for (const point of points.filter((candidate) => candidate.source === 'buckets')) {
      const binStart = Date.parse(point.time) / 1000;
      const asOf = Math.min(binStart + step - 300, NOW_SECONDS);
      const counts: Record<string, { bad: number; total: number }> = {};
      for (const key of [...EVALUATION_WINDOWS, '7d'] as StatusWindowKey[]) {
        counts[key] = expectedEvents(scenario, asOf, Math.min(statusWindowSeconds(key), asOf - coverageStart));
      }
      const expected = evaluateSloStatus({ sloId: id, objective: 0.999, window: '7d', now: new Date(asOf * 1000), counts });
      expect(point.state).toBe(expected.state);
      for (const field of ['sli', 'errorBudgetRemaining'] as const) {
        if (expected[field] === null) expect(point[field]).toBeNull();
        else
          expect(Math.abs((point[field] as number) - (expected[field] as number))).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected[field] as number)));
      }
    }
    // The burst shows as it happened: the budget dropped within the last hour, not across the whole chart.
    const budgets = points.map((point) => point.errorBudgetRemaining as number);
    expect(budgets[budgets.length - 1]).toBeLessThan(budgets[budgets.length - 3]);

    // After thinning (evaluations deleted), the chart is the same from the buckets.
    await sql('DELETE FROM slo_evaluations WHERE slo_id = $1', [id]);
    const thinned = await api.http.get(`/api/v1/slos/${id}/history`).set(api.admin);
    expect(thinned.body.points).toHaveLength(points.length);
    expect(thinned.body.points.every((point: { source: string }) => point.source === 'buckets')).toBe(true);
  });

  it('the SLO page tells the truth: verdicts from the window numbers, what it measures, a period picker, incident links', async () => {
    // The steady scenario's errors are far above a 99.99% objective: budget spent over the window.
    const created = await api.http
      .post('/api/v1/slos')
      .set(api.admin)
      .send({
        service: 'edge',
        name: 'page-truth',
        description: 'Edge answers without 5xx',
        objective: 0.9999,
        window: '7d',
        indicator: scenarioNamed('steady').indicator,
      });
    expect(created.status).toBe(201);
    expect(created.body.status.errorBudgetRemaining).toBeLessThan(0);
    const page = await api.http.get(`/dashboard/slos/${created.body.id}`).set(api.admin);
    expect(page.status).toBe(200);
    expect(page.text).toContain('✖ budget exhausted');
    expect(page.text).toContain('✖ objective missed');
    expect(page.text).toContain('Edge answers without 5xx');
    expect(page.text).toContain('http_requests_total{scenario&#x3D;&quot;steady&quot;,code&#x3D;~&quot;5..&quot;}'); // HTML-escaped
    for (const period of ['7d', '28d', '90d']) expect(page.text).toContain(`?period&#x3D;${period}`); // href, HTML-escaped
    const ninety = await api.http.get(`/dashboard/slos/${created.body.id}`).query({ period: '90d' }).set(api.admin);
    expect(ninety.status).toBe(200);
    expect(ninety.text).toContain('aria-current="page">90d');
    expect((await api.http.get(`/dashboard/slos/${created.body.id}`).query({ period: '5y' }).set(api.admin)).status).toBe(400);
    // A healthy SLO shows no verdict.
    const healthy = await api.http
      .post('/api/v1/slos')
      .set(api.admin)
      .send({ service: 'edge', name: 'page-healthy', objective: 0.9, window: '7d', indicator: scenarioNamed('steady').indicator });
    const healthyPage = await api.http.get(`/dashboard/slos/${healthy.body.id}`).set(api.admin);
    expect(healthyPage.text).not.toContain('✖ budget exhausted'); // (the chart's 0% line is labelled 'budget exhausted')
  });
});
