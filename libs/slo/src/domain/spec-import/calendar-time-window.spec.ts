import { renderOpenSlo } from '../openslo-export';
import { importSloSpecs, SloSpecImportError } from '../slo-spec-import';

function v1(timeWindow: string): string {
  return `apiVersion: openslo/v1
kind: SLO
metadata: {name: checkout-monthly}
spec:
  service: checkout
  indicator:
    metadata: {name: checkout-errors}
    spec:
      ratioMetric:
        counter: true
        bad: {metricSource: {type: Prometheus, spec: {query: 'http_requests_total{job="checkout",code=~"5.."}'}}}
        total: {metricSource: {type: Prometheus, spec: {query: 'http_requests_total{job="checkout"}'}}}
  timeWindow:
${timeWindow}
  budgetingMethod: Occurrences
  objectives: [{target: 0.999}]
`;
}

function v1alpha(timeWindow: string): string {
  return `apiVersion: openslo/v1alpha
kind: SLO
metadata: {name: checkout-weekly}
spec:
  service: checkout
  budgetingMethod: Occurrences
  timeWindows:
${timeWindow}
  objectives:
    - ratioMetrics:
        counter: true
        good: {source: prometheus, queryType: promql, query: 'http_requests_total{job="checkout",code!~"5.."}'}
        total: {source: prometheus, queryType: promql, query: 'http_requests_total{job="checkout"}'}
      target: 0.99
`;
}

function issues(text: string): string[] {
  try {
    importSloSpecs(text);
  } catch (error) {
    if (error instanceof SloSpecImportError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  throw new Error('expected the import to be rejected');
}

describe('OpenSLO calendar windows', () => {
  it.each([
    ['1M', 'month'],
    ['1w', 'week'],
    ['7d', 'week'],
    ['1Q', 'quarter'],
    ['3M', 'quarter'],
  ])('maps v1 duration %s with isRolling: false to the calendar window %s in the calendar time zone', (duration, window) => {
    const [slo] = importSloSpecs(
      v1(`    - duration: ${duration}\n      isRolling: false\n      calendar:\n        startTime: 2022-01-01 12:00:00\n        timeZone: America/New_York`),
    ).slos;
    expect(slo).toMatchObject({ window, timeZone: 'America/New_York' });
  });

  it('defaults the time zone to UTC when the calendar is absent', () => {
    expect(importSloSpecs(v1('    - duration: 1M\n      isRolling: false')).slos[0]).toMatchObject({ window: 'month', timeZone: 'UTC' });
  });

  it('refuses other calendar durations, unknown time zones, malformed start times and a calendar on a rolling window, naming the field', () => {
    expect(issues(v1('    - duration: 1Y\n      isRolling: false'))).toEqual([
      'spec.timeWindow[0].duration: a calendar window (isRolling: false) must last 1w (or 7d), 1M or 1Q (or 3M): Ballast measures calendar weeks, months and quarters, got "1Y"',
    ]);
    expect(issues(v1('    - duration: 1M\n      isRolling: false\n      calendar: {startTime: 2022-01-01 00:00:00, timeZone: Mars/Olympus_Mons}'))).toEqual([
      'spec.timeWindow[0].calendar.timeZone: must be an IANA time zone such as "Europe/Berlin", got "Mars/Olympus_Mons"',
    ]);
    expect(issues(v1('    - duration: 1M\n      isRolling: false\n      calendar: {startTime: yesterday, timeZone: UTC}'))).toEqual([
      'spec.timeWindow[0].calendar.startTime: must be a date and time such as "2022-01-01 00:00:00", got "yesterday"',
    ]);
    expect(issues(v1('    - duration: 28d\n      isRolling: true\n      calendar: {startTime: 2022-01-01 00:00:00, timeZone: UTC}'))).toEqual([
      'spec.timeWindow[0].calendar: applies to calendar windows only (isRolling: false)',
    ]);
  });

  it('maps v1alpha units Week, Month, Quarter with count 1', () => {
    const calendar = '\n      calendar: {startTime: 2020-01-21 12:30:00, timeZone: Europe/Berlin}';
    expect(importSloSpecs(v1alpha(`    - unit: Week\n      count: 1\n      isRolling: false${calendar}`)).slos[0]).toMatchObject({
      window: 'week',
      timeZone: 'Europe/Berlin',
    });
    expect(importSloSpecs(v1alpha(`    - unit: Quarter\n      count: 1\n      isRolling: false`)).slos[0]).toMatchObject({
      window: 'quarter',
      timeZone: 'UTC',
    });
    expect(issues(v1alpha(`    - unit: Month\n      count: 2\n      isRolling: false`))).toEqual([
      'spec.timeWindows[0].count: a calendar window (isRolling: false) counts 1 Month, got 2',
    ]);
    expect(issues(v1alpha(`    - unit: Year\n      count: 1\n      isRolling: false`))).toEqual([
      'spec.timeWindows[0].unit: a calendar window (isRolling: false) is a Week, Month or Quarter, got "Year"',
    ]);
  });

  it('round-trips through the OpenSLO export', () => {
    const exported = renderOpenSlo([
      {
        name: 'checkout-monthly',
        description: null,
        service: 'checkout',
        serviceName: 'Checkout',
        objective: 0.999,
        window: 'month',
        timeZone: 'Europe/Berlin',
        indicator: { kind: 'ratio', total: 'http_requests_total{job="checkout"}', bad: 'http_requests_total{job="checkout",code=~"5.."}' },
      },
      {
        name: 'checkout-rolling',
        description: null,
        service: 'checkout',
        serviceName: 'Checkout',
        objective: 0.99,
        window: '28d',
        timeZone: null,
        indicator: { kind: 'ratio', total: 'http_requests_total{job="checkout"}', bad: 'http_requests_total{job="checkout",code=~"5.."}' },
      },
    ]);
    const slos = importSloSpecs(exported).slos;
    expect(slos.map((slo) => [slo.name, slo.window, slo.timeZone])).toEqual([
      ['checkout-monthly', 'month', 'Europe/Berlin'],
      ['checkout-rolling', '28d', undefined],
    ]);
  });
});
