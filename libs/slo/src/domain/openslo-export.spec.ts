import { buildOpenSloDocuments, OpenSloExportSource, renderOpenSlo } from './openslo-export';
import { importSloSpecs } from './slo-spec-import';
import { buildSlothRules } from './sloth-rules';

const sources: OpenSloExportSource[] = [
  {
    name: 'api-availability',
    description: 'API answers without 5xx',
    service: 'api',
    serviceName: 'Public API',
    objective: 0.999,
    window: '28d',
    indicator: { kind: 'ratio', total: 'http_requests_total{job="api"}', bad: 'http_requests_total{job="api",code=~"5.."}' },
  },
  {
    name: 'api-templates',
    description: null,
    service: 'api',
    serviceName: 'Public API',
    objective: 0.99,
    window: '7d',
    indicator: {
      kind: 'ratio',
      totalQuery: 'sum(rate(http_requests_total{job="api"}[{{.window}}]))',
      goodQuery: 'sum(rate(http_requests_total{job="api",code!~"5.."}[{{.window}}]))',
    },
  },
  {
    name: 'api-latency',
    description: 'Fast enough',
    service: 'api',
    serviceName: 'Public API',
    objective: 0.95,
    window: '30d',
    indicator: { kind: 'latency', histogram: 'http_request_duration_seconds_bucket{job="api"}', threshold: '0.3' },
  },
];

describe('OpenSLO export', () => {
  it('writes a Service and one SLO document per SLO', () => {
    const documents = buildOpenSloDocuments(sources);
    expect(documents.map((document) => `${document.kind} ${(document.metadata as { name: string }).name}`)).toEqual([
      'Service api',
      'SLO api-availability',
      'SLO api-templates',
      'SLO api-latency',
    ]);
  });

  it('re-imports to the same SLOs (selectors, templates, latency)', () => {
    const imported = importSloSpecs(renderOpenSlo(sources));
    expect(
      imported.slos.map((slo) => ({
        name: slo.name,
        description: slo.description ?? null,
        service: slo.service,
        objective: slo.objective,
        window: slo.window,
        indicator: slo.indicator,
      })),
    ).toEqual(sources.map(({ serviceName: _serviceName, ...rest }) => rest));
    expect(imported.services).toEqual([{ document: 0, name: 'api', displayName: 'Public API' }]);
  });
});

describe('Sloth rules', () => {
  const rules = buildSlothRules([
    {
      id: '4f7a4e8e-0000-4000-8000-000000000001',
      name: 'api-availability',
      service: 'api',
      team: 'platform',
      objective: 0.999,
      window: '30d',
      indicator: sources[0].indicator,
      alerting: { name: 'ApiHighErrorRate', labels: { owner: 'platform' }, pageLabels: { severity: 'pageteam' } },
    },
  ]);
  const all = rules.groups.flatMap((group) => group.rules);
  const recorded = (name: string) => all.filter((rule) => 'record' in rule && rule.record === name);

  it("records Sloth's metadata rules with sloth_id, sloth_service and sloth_slo", () => {
    for (const name of [
      'slo:objective:ratio',
      'slo:error_budget:ratio',
      'slo:time_period:days',
      'slo:current_burn_rate:ratio',
      'slo:period_burn_rate:ratio',
      'slo:period_error_budget_remaining:ratio',
      'sloth_slo_info',
      'slo:sli_error:ratio_rate5m',
      'slo:sli_error:ratio_rate3d',
      'slo:sli_error:ratio_rate30d',
    ]) {
      expect(recorded(name)).toHaveLength(1);
      expect(recorded(name)[0].labels).toMatchObject({
        sloth_id: 'api-api-availability',
        sloth_service: 'api',
        sloth_slo: 'api-availability',
        owner: 'platform',
      });
    }
    expect(recorded('slo:objective:ratio')[0].expr).toBe('vector(0.999)');
    expect(recorded('sloth_slo_info')[0].labels).toMatchObject({ sloth_objective: '99.9', sloth_spec: 'prometheus/v1' });
  });

  it("names the alerts per SLO with its extra labels, and drops Ballast's default alerts", () => {
    const alerts = all.filter((rule) => 'alert' in rule);
    expect(alerts).toHaveLength(4);
    expect(new Set(alerts.map((rule) => ('alert' in rule ? rule.alert : '')))).toEqual(new Set(['ApiHighErrorRate']));
    expect(alerts.map((rule) => rule.labels.severity)).toEqual(['pageteam', 'pageteam', undefined, undefined]);
    expect(alerts.map((rule) => rule.labels.sloth_severity)).toEqual(['page', 'page', 'ticket', 'ticket']);
  });
});
