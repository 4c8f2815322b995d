import { SloValidationError } from './errors';
import { OpenSloExportSource, renderOpenSlo } from './openslo-export';
import { buildBucketEventsQuery, buildWindowEventsQuery, indicatorCounters } from './promql-queries';
import { validateIndicator } from './slo-indicator';
import { renderPrometheusRules } from './prometheus-rules';
import { importSloSpecs } from './slo-spec-import';
import { renderSlothRules } from './sloth-rules';
import { sliceWithinWindow, thresholdSliceGood, timesliceCountQuery } from './timeslices';

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof SloValidationError) return error.field;
    throw error;
  }
  return undefined;
}

const threshold = {
  kind: 'threshold',
  query: 'api_latency_p99_seconds{job="api"}',
  op: 'lt',
  value: 0.3,
  budgeting: { method: 'timeslices', slice: '1m' },
};

describe('threshold indicators', () => {
  it('validates and defaults sliceTarget to 1 (every point of the slice meets the threshold)', () => {
    expect(validateIndicator(threshold)).toEqual({ ...threshold, budgeting: { method: 'timeslices', slice: '1m', sliceTarget: 1 } });
  });

  it.each([
    [{ op: 'eq' }, 'indicator.op'],
    [{ op: '<' }, 'indicator.op'],
    [{ op: undefined }, 'indicator.op'],
    [{ value: undefined }, 'indicator.value'],
    [{ value: '0.3' }, 'indicator.value'],
    [{ query: undefined }, 'indicator.query'],
    [{ query: 'sum(rate(x[5m]' }, 'indicator.query'],
    [{ query: 'x offset 5m' }, 'indicator.query'],
    [{ budgeting: undefined }, 'indicator.budgeting'],
    [{ budgeting: { method: 'occurrences', slice: '1m' } }, 'indicator.budgeting.method'],
    [{ budgeting: { method: 'timeslices', slice: '30s' } }, 'indicator.budgeting.slice'],
    [{ budgeting: { method: 'timeslices' } }, 'indicator.budgeting.slice'],
    [{ budgeting: { method: 'timeslices', slice: '1m', sliceTarget: 1.5 } }, 'indicator.budgeting.sliceTarget'],
    [{ extra: 1 }, 'indicator.extra'],
  ])('refuses %p naming %s', (change, field) => {
    expect(fieldOf(() => validateIndicator({ ...threshold, ...change }))).toBe(field);
  });

  it('refuses a slice longer than the window', () => {
    const indicator = validateIndicator({ ...threshold, budgeting: { method: 'timeslices', slice: '24h' } });
    expect(fieldOf(() => sliceWithinWindow(indicator, '1d'))).toBeUndefined();
    const same = validateIndicator({ ...threshold, budgeting: { method: 'timeslices', slice: '1440m' } });
    expect(sliceWithinWindow(same, '1d')).toBe(same);
    const longer = validateIndicator({ ...threshold, budgeting: { method: 'timeslices', slice: '25h' } });
    expect(fieldOf(() => sliceWithinWindow(longer, '1d'))).toBe('indicator.budgeting.slice');
    expect(() => sliceWithinWindow(longer, '1d')).toThrow('longer than the SLO window');
    expect(fieldOf(() => validateIndicator({ ...threshold, budgeting: { method: 'timeslices', slice: '169h' } }))).toBe('indicator.budgeting.slice');
  });

  it('a slice is good when the share of its points meeting the threshold reaches sliceTarget', () => {
    const indicator = validateIndicator({ ...threshold, op: 'gte', value: 5, budgeting: { method: 'timeslices', slice: '5m', sliceTarget: 0.8 } });
    if (indicator.kind !== 'threshold') throw new Error('kind');
    expect(thresholdSliceGood(indicator)).toBe('(avg_over_time(((api_latency_p99_seconds{job="api"}) >= bool 5)[299s:1m]) >= bool 0.8)');
  });

  it('counts slices ending in the range (and bad ones) with subqueries at the slice step', () => {
    const counters = indicatorCounters(validateIndicator(threshold));
    const good = '(avg_over_time(((api_latency_p99_seconds{job="api"}) < bool 0.3)[59s:1m]) >= bool 1)';
    expect(timesliceCountQuery(counters.total, 300)).toBe(`sum(count_over_time(${good}[299s:1m]))`);
    expect(timesliceCountQuery(counters.bad as string, 300, 600)).toBe(`sum(count_over_time((${good} == 0)[299s:1m] offset 10m))`);
    expect(buildBucketEventsQuery(validateIndicator(threshold))).toContain(`count_over_time(${good}[299s:1m])`);
    expect(buildWindowEventsQuery(validateIndicator(threshold), ['1h'])).toContain(`count_over_time(${good}[3599s:1m])`);
  });

  it('expands [{{.window}}] in the query to the slice', () => {
    const indicator = validateIndicator({
      ...threshold,
      query: 'histogram_quantile(0.99, sum by (le) (rate(x_bucket[{{.window}}])))',
      budgeting: { method: 'timeslices', slice: '5m' },
    });
    if (indicator.kind !== 'threshold') throw new Error('kind');
    expect(thresholdSliceGood(indicator)).toContain('rate(x_bucket[5m])');
  });
});

describe('ratio indicators with timeslices', () => {
  it('need sliceTarget; a slice is good when its good/total events reach it (no traffic: no slice)', () => {
    const ratio = { kind: 'ratio', total: 'req_total', bad: 'req_total{code="500"}' };
    expect(fieldOf(() => validateIndicator({ ...ratio, budgeting: { method: 'timeslices', slice: '1m' } }))).toBe('indicator.budgeting.sliceTarget');
    const counters = indicatorCounters(validateIndicator({ ...ratio, budgeting: { method: 'timeslices', slice: '1m', sliceTarget: 0.99 } }));
    expect(timesliceCountQuery(counters.total, 300)).toBe(
      'sum(count_over_time((((1 - sum(increase(req_total{code="500"}[1m])) / sum(increase(req_total[1m]))) >= 0) >= bool 0.99)[299s:1m]))',
    );
  });
});

describe('OpenSLO round trip of threshold and timeslices SLOs', () => {
  const sources: OpenSloExportSource[] = [
    {
      name: 'api-p99',
      description: null,
      service: 'api',
      serviceName: 'API',
      objective: 0.99,
      window: '7d',
      indicator: validateIndicator({ ...threshold, budgeting: { method: 'timeslices', slice: '5m', sliceTarget: 0.9 } }),
    },
    {
      name: 'api-ratio-slices',
      description: null,
      service: 'api',
      serviceName: 'API',
      objective: 0.95,
      window: '28d',
      indicator: validateIndicator({
        kind: 'ratio',
        totalQuery: 'sum(rate(req_total[{{.window}}]))',
        badQuery: 'sum(rate(req_total{code="500"}[{{.window}}]))',
        budgeting: { method: 'timeslices', slice: '1m', sliceTarget: 0.99 },
      }),
    },
  ];

  it('exports thresholdMetric, op/value and Timeslices, and re-imports to the same SLOs', () => {
    const yaml = renderOpenSlo(sources);
    expect(yaml).toContain('thresholdMetric');
    expect(yaml).toContain('budgetingMethod: Timeslices');
    expect(yaml).toContain('timeSliceWindow: 5m');
    const imported = importSloSpecs(yaml);
    expect(imported.slos.map(({ name, objective, window, indicator }) => ({ name, objective, window, indicator }))).toEqual(
      sources.map(({ name, objective, window, indicator }) => ({ name, objective, window, indicator })),
    );
  });

  it("imports OpenSLO's threshold example and refuses bad constructs naming the field", () => {
    const slo = (objective: Record<string, unknown>, budgetingMethod = 'Timeslices') => `
apiVersion: openslo/v1
kind: SLO
metadata: { name: web-latency }
spec:
  service: web
  indicator:
    metadata: { name: web-latency }
    spec:
      thresholdMetric:
        metricSource: { type: Prometheus, spec: { query: 'latency_west_c7{code="GET"}' } }
  timeWindow: [{ duration: 1d, isRolling: true }]
  budgetingMethod: ${budgetingMethod}
  objectives: [${JSON.stringify(objective)}]
`;
    const good = importSloSpecs(slo({ displayName: 'Good', op: 'lte', value: 200, target: 0.95, timeSliceTarget: 0.9, timeSliceWindow: '1m' }));
    expect(good.slos[0].indicator).toEqual({
      kind: 'threshold',
      query: 'latency_west_c7{code="GET"}',
      op: 'lte',
      value: 200,
      budgeting: { method: 'timeslices', slice: '1m', sliceTarget: 0.9 },
    });
    const refused = (objective: Record<string, unknown>, method?: string) => {
      try {
        importSloSpecs(slo(objective, method));
      } catch (error) {
        return (error as { issues: Array<{ path: string; message: string }> }).issues.map((issue) => `${issue.path}: ${issue.message}`);
      }
      return [];
    };
    expect(refused({ op: 'eq', value: 200, target: 0.95, timeSliceTarget: 0.9, timeSliceWindow: '1m' }).join('\n')).toContain('spec.objectives[0].op');
    expect(refused({ op: 'lt', target: 0.95, timeSliceTarget: 0.9, timeSliceWindow: '1m' }).join('\n')).toContain('spec.objectives[0].value: is required');
    expect(refused({ op: 'lt', value: 1, target: 0.95, timeSliceTarget: 0.9, timeSliceWindow: '48h' }).join('\n')).toContain(
      'spec.objectives[0].timeSliceWindow: 48h is longer than the SLO window',
    );
    expect(refused({ op: 'lt', value: 1, target: 0.95, timeSliceTarget: 0.9, timeSliceWindow: '2h' }).join('\n')).toBe('');
    expect(refused({ op: 'lt', value: 1, target: 0.95 }, 'Occurrences').join('\n')).toContain('spec.budgetingMethod');
  });
});

describe('rules of timeslices SLOs', () => {
  it('record slice counts per second (checked with promtool check rules by hand: 30 and 60 rules, SUCCESS)', () => {
    const slo = {
      id: '4f7a4e8e-0000-4000-8000-000000000001',
      name: 'p99',
      service: 'api',
      team: 't',
      objective: 0.99,
      window: '7d',
      indicator: validateIndicator(threshold),
    };
    for (const text of [renderPrometheusRules([slo]), renderSlothRules([slo])]) {
      expect(text).not.toContain('ballast-timeslices');
      expect(text).toContain('sum(count_over_time((avg_over_time(((api_latency_p99_seconds{job="api"}) < bool 0.3)[59s:1m]) >= bool 1)[3599s:1m])) / 3600');
    }
  });
});
