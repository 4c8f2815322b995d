import { describeMissingMetricLabel, missingMetricLabels, requiredMetricLabels } from './metric-label-guard';
import type { SloIndicator } from './slo-indicator';

const PAYMENTS = { team: 'payments' };

describe('required metric labels', () => {
  it("are the team's own, else the configured default label with the team's slug, else none", () => {
    expect(requiredMetricLabels({ slug: 'payments', metricLabels: { tenant: 'p1' } }, 'team')).toEqual({ tenant: 'p1' });
    expect(requiredMetricLabels({ slug: 'payments', metricLabels: {} }, 'team')).toEqual({});
    expect(requiredMetricLabels({ slug: 'payments', metricLabels: null }, 'team')).toEqual({ team: 'payments' });
    expect(requiredMetricLabels({ slug: 'payments', metricLabels: null })).toEqual({});
  });

  it('accept selectors carrying each required label with an equality matcher', () => {
    const indicator: SloIndicator = {
      kind: 'ratio',
      total: 'http_requests_total{team="payments"}',
      bad: `{__name__="http_requests_total", code="500", team='payments'}`,
    };
    expect(missingMetricLabels(indicator, PAYMENTS)).toEqual([]);
    expect(missingMetricLabels({ kind: 'latency', histogram: 'latency_bucket{team=`payments`}', threshold: '0.3' }, PAYMENTS)).toEqual([]);
  });

  it('check the query of a threshold (Timeslices) indicator, its [{{.window}}] range included', () => {
    const budgeting = { method: 'timeslices', slice: '5m', sliceTarget: 0.95 } as const;
    const labelled = 'max_over_time(queue_depth{team="payments"}[{{.window}}])';
    expect(missingMetricLabels({ kind: 'threshold', query: labelled, op: 'lt', value: 100, budgeting }, PAYMENTS)).toEqual([]);
    expect(missingMetricLabels({ kind: 'threshold', query: 'max_over_time(queue_depth[{{.window}}])', op: 'lt', value: 100, budgeting }, PAYMENTS)).toEqual([
      { field: 'indicator.query', label: 'team', value: 'payments', selector: 'queue_depth' },
    ]);
  });

  it('name the field, the label and the selector of each missing matcher', () => {
    const indicator: SloIndicator = { kind: 'ratio', total: 'http_requests_total', good: 'http_requests_total{team="payments",code="200"}' };
    expect(missingMetricLabels(indicator, PAYMENTS)).toEqual([{ field: 'indicator.total', label: 'team', value: 'payments', selector: 'http_requests_total' }]);
    expect(describeMissingMetricLabel(missingMetricLabels(indicator, PAYMENTS)[0])).toBe(
      'indicator.total must carry the label matcher team="payments" required for this team\'s metrics (in http_requests_total)',
    );
  });

  it('do not count another value, a regex, a negative matcher or another label', () => {
    for (const total of [
      'x{team="checkout"}',
      'x{team=~"payments"}',
      'x{team=~".*"}',
      'x{team!="checkout"}',
      'x{squad="payments"}',
      'x{team="payments\\x00"}',
    ]) {
      expect({ total, missing: missingMetricLabels({ kind: 'ratio', total, bad: 'x{team="payments"}' }, PAYMENTS).map((m) => m.field) }).toEqual({
        total,
        missing: ['indicator.total'],
      });
    }
  });

  it('check every vector and matrix selector of a template, in subqueries and binary expressions too', () => {
    const conforming: SloIndicator = {
      kind: 'ratio',
      totalQuery: 'sum(rate(http_requests_total{team="payments"}[{{.window}}]))',
      badQuery:
        'sum(rate(http_requests_total{team="payments",code=~"5.."}[{{.window}}])) + sum(max_over_time(errors{team="payments"}[{{.window}}:1m])) * on() group_left vector(0)',
    };
    expect(missingMetricLabels(conforming, PAYMENTS)).toEqual([]);
    const leaking: SloIndicator = {
      kind: 'ratio',
      totalQuery: 'sum(rate(http_requests_total{team="payments"}[{{.window}}]))',
      goodQuery:
        'sum(rate(http_requests_total{team="payments"}[{{.window}}])) - sum(rate(http_requests_total{code=~"5.."}[{{.window}}])) or absent(other_metric)',
    };
    expect(missingMetricLabels(leaking, PAYMENTS)).toEqual([
      { field: 'indicator.goodQuery', label: 'team', value: 'payments', selector: 'http_requests_total{code=~"5.."}' },
      { field: 'indicator.goodQuery', label: 'team', value: 'payments', selector: 'other_metric' },
    ]);
  });

  it('require every label of several', () => {
    const indicator: SloIndicator = { kind: 'ratio', total: 'x{team="payments",env="prod"}', bad: 'x{team="payments"}' };
    expect(missingMetricLabels(indicator, { team: 'payments', env: 'prod' })).toEqual([
      { field: 'indicator.bad', label: 'env', value: 'prod', selector: 'x{team="payments"}' },
    ]);
  });

  it('require nothing when the team has no labels', () => {
    expect(missingMetricLabels({ kind: 'ratio', total: 'x', bad: 'y' }, {})).toEqual([]);
  });
});
