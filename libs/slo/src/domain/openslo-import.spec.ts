import { OpenSloImportError, OpenSloImportIssue } from './errors';
import { importOpenSlo, OPENSLO_MAX_CHARACTERS } from './openslo-import';

const checkoutSlo = `
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
  displayName: Checkout availability
spec:
  description: 99.9% of checkout requests succeed
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
              query: http_requests_total{service="checkout",code=~"5.."}
        total:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{service="checkout"}
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: Good
      target: 0.999
`;

const searchSliAndSlo = `
apiVersion: openslo/v1
kind: SLI
metadata:
  name: search-good
spec:
  ratioMetric:
    counter: true
    good:
      metricSource:
        type: prometheus
        spec:
          query: "search_requests_total{code!~'5..'}"
    total:
      metricSource:
        type: Prometheus
        spec:
          query: search_requests_total
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: search-availability
spec:
  service: search
  indicatorRef: search-good
  timeWindow:
    - duration: 4w
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - targetPercent: 99.5
`;

function importIssues(text: string): OpenSloImportIssue[] {
  try {
    importOpenSlo(text);
  } catch (error) {
    expect(error).toBeInstanceOf(OpenSloImportError);
    expect(error).toMatchObject({ code: 'openslo_import_rejected', kind: 'validation' });
    return [...(error as OpenSloImportError).issues];
  }
  throw new Error('expected the import to be rejected');
}

const paths = (issues: readonly OpenSloImportIssue[]): string[] => issues.map((issue) => `${issue.document}:${issue.path}`);

describe('importOpenSlo', () => {
  it('imports an SLO with an inline ratio indicator', () => {
    expect(importOpenSlo(checkoutSlo)).toEqual([
      {
        document: 0,
        name: 'checkout-availability',
        displayName: 'Checkout availability',
        description: '99.9% of checkout requests succeed',
        service: 'checkout',
        objective: 0.999,
        window: '28d',
        indicator: {
          kind: 'ratio',
          total: 'http_requests_total{service="checkout"}',
          bad: 'http_requests_total{service="checkout",code=~"5.."}',
        },
      },
    ]);
  });

  it('imports several documents, resolving indicatorRef to an SLI of the same file', () => {
    const slos = importOpenSlo(`${checkoutSlo}---${searchSliAndSlo}`);
    expect(slos.map((slo) => slo.name)).toEqual(['checkout-availability', 'search-availability']);
    expect(slos[1]).toEqual({
      document: 2,
      name: 'search-availability',
      service: 'search',
      objective: 0.995,
      window: '28d',
      indicator: { kind: 'ratio', total: 'search_requests_total', good: "search_requests_total{code!~'5..'}" },
    });
  });

  it.each([
    ['7d', '7d'],
    ['90d', '90d'],
    ['1w', '7d'],
    ['720h', '30d'],
  ])('reads a %s rolling window as %s', (duration, window) => {
    expect(importOpenSlo(checkoutSlo.replace('duration: 28d', `duration: ${duration}`))[0].window).toBe(window);
  });

  it('lists every unsupported field with its path in one error', () => {
    const unsupported = checkoutSlo
      .replace(
        '    - duration: 28d\n      isRolling: true',
        '    - duration: 1M\n      isRolling: false\n      calendar:\n        startTime: 2026-01-01 00:00:00\n        timeZone: UTC',
      )
      .replace('budgetingMethod: Occurrences', 'budgetingMethod: Timeslices')
      .replace(
        'type: Prometheus\n            spec:\n              query: http_requests_total{service="checkout",code=~"5.."}',
        'type: Datadog\n            spec:\n              query: sum:requests.error{*}',
      )
      .replace(
        '    - displayName: Good\n      target: 0.999',
        '    - target: 0.999\n      timeSliceTarget: 0.95\n      timeSliceWindow: 1m\n    - target: 0.99',
      )
      .replace('  budgetingMethod', '  alertPolicies: [page-me]\n  budgetingMethod');
    const issues = importIssues(unsupported);
    expect(paths(issues)).toEqual(
      expect.arrayContaining([
        '0:spec.alertPolicies',
        '0:spec.indicator.spec.ratioMetric.bad.metricSource.type',
        '0:spec.timeWindow[0].calendar',
        '0:spec.timeWindow[0].isRolling',
        '0:spec.timeWindow[0].duration',
        '0:spec.budgetingMethod',
        '0:spec.objectives[1]',
        '0:spec.objectives[0].timeSliceTarget',
        '0:spec.objectives[0].timeSliceWindow',
      ]),
    );
    const error = (() => {
      try {
        return importOpenSlo(unsupported);
      } catch (caught) {
        return caught as OpenSloImportError;
      }
    })() as OpenSloImportError;
    expect(error.message).toContain('document 0 spec.timeWindow[0].isRolling: only rolling windows are supported');
    expect(error.details).toEqual(error.issues);
  });

  it.each([
    [
      'a threshold metric',
      checkoutSlo.replace(
        /ratioMetric:[\s\S]*?(?=\n  timeWindow)/,
        'thresholdMetric:\n        metricSource:\n          type: Prometheus\n          spec:\n            query: latency_seconds',
      ),
      '0:spec.indicator.spec.thresholdMetric',
    ],
    ['a gauge ratio', checkoutSlo.replace('counter: true', 'counter: false'), '0:spec.indicator.spec.ratioMetric.counter'],
    [
      'a raw ratio',
      checkoutSlo.replace('counter: true', 'counter: true\n        rawType: failure\n        raw:\n          metricSource: {}'),
      '0:spec.indicator.spec.ratioMetric.rawType',
    ],
    [
      'a DataSource reference',
      checkoutSlo.replace(
        '          metricSource:\n            type: Prometheus\n            spec:\n              query: http_requests_total{service="checkout"}\n',
        '          metricSource:\n            metricSourceRef: my-prometheus\n            type: Prometheus\n            spec:\n              query: http_requests_total{service="checkout"}\n',
      ),
      '0:spec.indicator.spec.ratioMetric.total.metricSource.metricSourceRef',
    ],
    ['RatioTimeslices budgeting', checkoutSlo.replace('Occurrences', 'RatioTimeslices'), '0:spec.budgetingMethod'],
    [
      'a PromQL expression instead of a counter selector',
      checkoutSlo.replace('query: http_requests_total{service="checkout"}', 'query: sum(rate(http_requests_total{service="checkout"}[5m]))'),
      '0:spec.indicator.spec.ratioMetric.total.metricSource.spec.query',
    ],
    ['a window over 90 days', checkoutSlo.replace('duration: 28d', 'duration: 91d'), '0:spec.timeWindow[0].duration'],
    ['an objective of 1', checkoutSlo.replace('target: 0.999', 'target: 1'), '0:spec.objectives[0].target'],
    ['an objective of 100%', checkoutSlo.replace('target: 0.999', 'targetPercent: 100'), '0:spec.objectives[0].targetPercent'],
    ['two time windows', checkoutSlo.replace('      isRolling: true', '      isRolling: true\n    - duration: 7d\n      isRolling: true'), '0:spec.timeWindow'],
    ['an unknown field', checkoutSlo.replace('  service: checkout', '  service: checkout\n  owner: me'), '0:spec.owner'],
    ['a missing service', checkoutSlo.replace('  service: checkout\n', ''), '0:spec.service'],
    ['an apiVersion other than v1', checkoutSlo.replace('openslo/v1', 'openslo/v2alpha'), '0:apiVersion'],
    ['a Service document', `${checkoutSlo}---\napiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: checkout\nspec: {}\n`, '1:kind'],
    ['an unknown indicatorRef', searchSliAndSlo.replace('indicatorRef: search-good', 'indicatorRef: nope'), '1:spec.indicatorRef'],
    [
      'both good and bad',
      checkoutSlo.replace(
        '        bad:',
        '        good:\n          metricSource:\n            type: Prometheus\n            spec:\n              query: x_total\n        bad:',
      ),
      '0:spec.indicator.spec.ratioMetric',
    ],
    [
      'an invalid selector in a referenced SLI',
      searchSliAndSlo.replace('query: search_requests_total\n', 'query: "search_requests_total{"\n'),
      '0:spec.ratioMetric.total.metricSource.spec.query',
    ],
    ['a document that is not a mapping', `${checkoutSlo}---\n- a\n- b\n`, '1:'],
  ])('rejects %s', (_case, text, path) => {
    expect(paths(importIssues(text))).toContain(path);
  });

  it('imports nothing when one document of the file is invalid', () => {
    const broken = checkoutSlo.replace('checkout-availability', 'checkout-2').replace('Occurrences', 'Timeslices');
    const issues = importIssues(`${checkoutSlo}---${broken}`);
    expect(paths(issues)).toEqual(['1:spec.budgetingMethod']);
  });

  it('rejects two SLOs with the same name', () => {
    expect(paths(importIssues(`${checkoutSlo}---${checkoutSlo}`))).toEqual(['1:metadata.name']);
  });

  it('rejects a file without any SLO', () => {
    expect(paths(importIssues(''))).toEqual(['0:']);
    expect(paths(importIssues(searchSliAndSlo.split('---')[0]))).toEqual(['0:']);
  });

  it('reports invalid YAML with its position', () => {
    const [issue] = importIssues('apiVersion: openslo/v1\nkind: SLO\nkind: SLO\n');
    expect(issue.message).toBe('invalid YAML: Map keys must be unique at line 3, column 1');
  });

  it('rejects a YAML alias bomb before expanding it', () => {
    const bomb = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
    ].join('\n');
    const [issue] = importIssues(bomb);
    expect(issue.message).toMatch(/aliases expand too much/);
  });

  it.each([
    ['block sequences', `${'- '.repeat(50_000)}x`],
    ['flow sequences', '['.repeat(100_000)],
    // 5,000 levels (not 20,000): more keys than YAML_MAX_KEYS are refused by the key bound first.
    ['flow mappings', `a: ${'{b: '.repeat(5_000)}`],
    ['indentation', Array.from({ length: 300 }, (_, depth) => `${' '.repeat(depth)}k${depth}:`).join('\n')],
  ])('rejects YAML nested too deeply (%s) before the parser recurses into it', (_case, text) => {
    expect(importIssues(text)[0].message).toMatch(/nested deeper than 100 levels/);
  });

  it('rejects a file larger than the size cap without parsing it', () => {
    const huge = `${checkoutSlo}\n# ${'x'.repeat(OPENSLO_MAX_CHARACTERS)}`;
    expect(importIssues(huge)[0].message).toMatch(/larger than/);
  });

  it('rejects more documents than the cap', () => {
    expect(importIssues('---\na: 1\n'.repeat(201))[0].message).toMatch(/more than 200 YAML documents/);
  });
});
