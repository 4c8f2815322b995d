import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importSloSpecs, SloSpecImportError, SpecImport } from './slo-spec-import';

const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', 'specs', name), 'utf8');

function rejection(text: string, options = {}): SloSpecImportError {
  try {
    importSloSpecs(text, options);
  } catch (error) {
    if (error instanceof SloSpecImportError) return error;
    throw error;
  }
  throw new Error('expected the import to be rejected');
}

const messages = (error: SloSpecImportError): string[] => error.issues.map((issue) => `document ${issue.document} ${issue.path}: ${issue.message}`);

describe('importSloSpecs: OpenSLO v1', () => {
  let listForm: SpecImport;
  beforeAll(() => {
    listForm = importSloSpecs(fixture('openslo-v1-list.yaml'));
  });

  it('reads the YAML list form with Service, DataSource (metricSourceRef), SLI, alert documents; several objectives become <name>-<objective>', () => {
    expect(listForm.slos.map((slo) => [slo.name, slo.service, slo.objective, slo.window, slo.document])).toEqual([
      ['checkout-availability-good', 'checkout', 0.99, '28d', 6],
      ['checkout-availability-great', 'checkout', 0.999, '28d', 6],
      ['checkout-latency', 'checkout', 0.95, '7d', 7],
    ]);
    expect(listForm.slos[0].indicator).toEqual({
      kind: 'ratio',
      totalQuery: 'sum(rate(http_requests_total{job="checkout"}[{{.window}}]))',
      badQuery: 'sum(rate(http_requests_total{job="checkout",code=~"5.."}[{{.window}}]))',
    });
    expect(listForm.slos[0].description).toBe('Checkout answers without server errors');
    expect(listForm.slos[2].indicator).toEqual({
      kind: 'ratio',
      total: 'http_request_duration_seconds_count{job="checkout"}',
      good: 'http_request_duration_seconds_bucket{job="checkout",le="0.3"}',
    });
    expect(listForm.services).toEqual([{ document: 0, name: 'checkout', displayName: 'Checkout', description: "Takes the customer's money" }]);
  });

  it('maps a burn-rate AlertPolicy to "open an incident" with its severity, and reports what it does not map', () => {
    expect(listForm.slos[0].policy).toEqual({ openIncident: true, severity: 'SEV2' });
    expect(listForm.slos[2].policy).toBeUndefined(); // alertPolicies: []
    const notes = listForm.notes.map((note) => note.message);
    expect(notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/notification target "checkout-oncall" is not imported/),
        expect.stringMatching(/burn rate 14.4 over "1h" is covered/),
      ]),
    );
  });

  it('reads several documents with an inline AlertPolicy and a trailing empty document', () => {
    const result = importSloSpecs(fixture('openslo-v1-multidoc.yaml'));
    expect(result.slos).toEqual([
      expect.objectContaining({
        name: 'search-availability',
        service: 'search',
        objective: 0.995,
        window: '30d',
        description: 'Search availability',
        indicator: { kind: 'ratio', total: 'http_requests_total{job="search"}', good: 'http_requests_total{job="search",code!~"5.."}' },
        policy: { openIncident: true, severity: 'SEV3' },
      }),
    ]);
    expect(result.services.map((service) => service.name)).toEqual(['search']);
  });

  it('refuses non-Prometheus data sources naming document, field and data source, and Timeslices budgeting', () => {
    const error = rejection(fixture('openslo-refused.yaml'));
    expect(messages(error)).toEqual(
      expect.arrayContaining([
        'document 1 spec.indicator.spec.ratioMetric.good.metricSource.metricSourceRef: data source "Datadog" cannot be measured by Ballast, which reads Prometheus (or a PromQL-compatible API) only',
        'document 1 spec.indicator.spec.ratioMetric.total.metricSource.type: data source "CloudWatch" cannot be measured by Ballast, which reads Prometheus (or a PromQL-compatible API) only',
        'document 2 spec.budgetingMethod: RatioTimeslices budgeting is not supported; use Timeslices (good slices / slices) or Occurrences',
      ]),
    );
    expect(error.field).toBe('document 1 spec.indicator.spec.ratioMetric.total.metricSource.type');
  });

  it('says "is required" for missing fields, never "got undefined"', () => {
    const error = rejection('apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: x\nspec:\n  budgetingMethod: Occurrences\n  objectives:\n    - {}\n');
    expect(messages(error)).toEqual(
      expect.arrayContaining([
        'document 0 spec.service: is required',
        'document 0 spec.timeWindow: is required',
        'document 0 spec.objectives[0].target: is required (target 0..1 or targetPercent 0..100)',
      ]),
    );
    expect(messages(error).join('\n')).not.toMatch(/undefined/);
  });

  it('names the template problem: no {{.window}}, a syntax error with its position, a range result', () => {
    const slo = (bad: string): string => `- apiVersion: openslo/v1
  kind: SLO
  metadata: {name: broken}
  spec:
    service: web
    indicator:
      metadata: {name: x}
      spec:
        ratioMetric:
          counter: true
          bad: {metricSource: {type: Prometheus, spec: {query: '${bad}'}}}
          total: {metricSource: {type: Prometheus, spec: {query: 'sum(rate(http_requests_total[{{.window}}]))'}}}
    timeWindow: [{duration: 28d, isRolling: true}]
    budgetingMethod: Occurrences
    objectives: [{target: 0.99}]
`;
    const path = 'document 0 spec.indicator.spec.ratioMetric.bad.metricSource.spec.query';
    expect(messages(rejection(slo('sum(rate(errors_total[5m]))')))).toEqual([
      expect.stringMatching(new RegExp(`^${path.replace(/[.[\]]/g, '\\$&')}: write both queries the same way`)),
    ]);
    expect(messages(rejection(slo('sum(rate(errors_total[{{.window}}])')))).toEqual([
      expect.stringMatching(/bad\.metricSource\.spec\.query: is not valid PromQL: syntax error at line 1, column \d+/),
    ]);
    expect(messages(rejection(slo('errors_total[{{.window}}]')))).toEqual([expect.stringMatching(/returns a range vector/)]);
    expect(importSloSpecs(slo('sum by (x) (rate(errors_total[{{.window}}]))')).slos).toHaveLength(1);
  });
});

describe('importSloSpecs: OpenSLO v1alpha, Sloth, Pyrra', () => {
  const slothTotal = 'sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.window}}]))';
  const slothErrors = 'sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[{{.window}}]))';

  it("reads OpenSLO v1alpha (Sloth's OpenSLO) with two objectives and a 28-day window", () => {
    const result = importSloSpecs(fixture('openslo-v1alpha-sloth.yaml'));
    expect(result.slos.map((slo) => [slo.name, slo.service, slo.objective, slo.window, slo.format])).toEqual([
      ['slo1-0', 'svc01', 0.98, '28d', 'openslo/v1alpha'],
      ['slo1-1', 'svc01', 0.999, '28d', 'openslo/v1alpha'],
    ]);
    expect(result.slos[0].indicator).toEqual({
      kind: 'ratio',
      totalQuery: slothTotal,
      goodQuery: 'sum(rate(http_request_duration_seconds_count{job="myservice",code!~"(5..|429)"}[{{.window}}]))',
    });
    expect(result.slos[0].description).toBe('this is SLO1.');
  });

  it('reads Sloth prometheus/v1: objective in percent, 30-day window, alert name and labels kept', () => {
    const [slo] = importSloSpecs(fixture('sloth-prometheus-v1.yaml')).slos;
    expect(slo).toMatchObject({
      name: 'requests-availability',
      service: 'myservice',
      objective: 0.999,
      window: '30d',
      indicator: { kind: 'ratio', totalQuery: slothTotal, badQuery: slothErrors },
      alerting: {
        name: 'MyServiceHighErrorRate',
        labels: { owner: 'myteam', repo: 'myorg/myservice', tier: '2', category: 'availability' },
        pageLabels: { severity: 'pageteam', routing_key: 'myteam' },
        ticketLabels: { severity: 'slack', slack_channel: '#alerts-myteam' },
      },
    });
  });

  it('reads Sloth sloth.slok.dev/v1 PrometheusServiceLevel', () => {
    const [slo] = importSloSpecs(fixture('sloth-kubernetes.yaml')).slos;
    expect(slo).toMatchObject({
      name: 'requests-availability',
      service: 'myservice',
      objective: 0.999,
      path: 'spec.slos[0]',
      format: 'sloth/sloth.slok.dev/v1',
    });
  });

  it('reads Pyrra ratio, latency (le normalised to the histogram threshold) and bool_gauge', () => {
    const result = importSloSpecs(fixture('pyrra.yaml'));
    expect(result.slos.map((slo) => [slo.name, slo.service, slo.objective, slo.window])).toEqual([
      ['pyrra-api-errors', 'pyrra', 0.99, '14d'],
      ['pyrra-api-latency', 'pyrra', 0.995, '28d'],
      ['prometheus-up', 'prometheus', 0.99, '28d'],
    ]);
    expect(result.slos[0].indicator).toEqual({ kind: 'ratio', total: 'http_requests_total{job="pyrra"}', bad: 'http_requests_total{job="pyrra",code=~"5.."}' });
    expect(result.slos[1].indicator).toEqual({ kind: 'latency', histogram: 'http_request_duration_seconds_bucket{job="pyrra"}', threshold: '1' });
    expect(result.slos[2].indicator).toEqual({
      kind: 'ratio',
      totalQuery: 'count(max_over_time(up{job="prometheus"}[{{.window}}]))',
      goodQuery: 'sum(avg_over_time(up{job="prometheus"}[{{.window}}]))',
    });
  });

  it('a Pyrra SLO without a service label takes ?service=, else says how to name one', () => {
    const text = fixture('pyrra.yaml').replace(/ {4}pyrra\.dev\/service: \w+\n/g, '');
    expect(importSloSpecs(text, { defaultService: 'api' }).slos.every((slo) => slo.service === 'api')).toBe(true);
    expect(messages(rejection(text))[0]).toMatch(/^document 0 metadata\.labels: a Pyrra SLO names no service/);
  });

  it('refuses Sloth raw and plugin SLIs, and a Sloth objective out of range', () => {
    const text = `version: prometheus/v1
service: x
slos:
  - name: raw
    objective: 99
    sli:
      raw:
        error_ratio_query: sum(rate(a[{{.window}}]))
  - name: plugin
    objective: 120
    sli:
      plugin:
        id: sloth-common/kubernetes/apiserver/availability
`;
    expect(messages(rejection(text))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^document 0 slos\[0\]\.sli\.raw: raw error ratio queries are not supported/),
        expect.stringMatching(/^document 0 slos\[1\]\.objective: /),
        expect.stringMatching(/^document 0 slos\[1\]\.sli\.plugin: Sloth SLI plugins are not supported/),
      ]),
    );
  });

  it('numbers documents across --- and list items, and refuses unknown formats and duplicate names', () => {
    const sloth = fixture('sloth-prometheus-v1.yaml');
    expect(messages(rejection(`${sloth}---\n${sloth}`))).toEqual([
      'document 1 slos[0].name: SLO "requests-availability" of service "myservice" is already defined by document 0',
    ]);
    expect(messages(rejection('apiVersion: nobl9.com/v1alpha\nkind: SLO\n'))[0]).toMatch(/^document 0 apiVersion: must be openslo\/v1/);
    expect(messages(rejection('')).join()).toMatch(/contains no SLO/);
  });
});
