// The SLO engine's PromQL against a real Prometheus, on histories whose events
// the test generated itself: every expected count below is summed from the
// generated events, never written by hand.
//
// Why the counts are exact, not estimates: samples are every 60 s on the minute
// grid and every query time (instant `time=now`, range steps) is on the 5-minute
// grid, so every range [t - w, t] starts and ends on a sample. Prometheus 2.x
// selects closed ranges, so increase() then needs no extrapolation and returns
// v(t) - v(t - w) plus what was lost at resets: exactly the events of
// (t - w, t]. The 5-minute buckets (t - 5m, t] tile each window without gap or
// overlap, so their sum is exact too. Off the grid, increase() extrapolates and
// the same queries give estimates (see libs/slo/src/domain/promql-queries.ts).
// Series exist (at their initial value) from the start of the history: a series
// born inside a window would also be extrapolated.
import {
  buildPrometheusRules,
  buildWindowEventsQuery,
  EventBucket,
  EventCounts,
  evaluateSloStatus,
  mergeBuckets,
  parseWindow,
  planBucketRangeQueries,
  readBucketEvents,
  readWindowEvents,
  renderPrometheusRules,
  SloRuleSource,
  SloStatus,
  StatusWindowKey,
  statusWindowSeconds,
  sumBucketsInWindow,
} from '@app/slo';
import { renderOpenMetrics } from './support/openmetrics';
import { RunningPrometheus, startPrometheus } from './support/prometheus';
import { buildSyntheticHistory, expectedEvents, expectedFiveMinuteBuckets, SyntheticHistory, TrafficScenario } from './support/synthetic-traffic';
import { eventually } from './support/poll';

// A fixed "now" on the 5-minute grid (and on the 60 s sample grid). Every query passes it explicitly.
const NOW_SECONDS = Date.parse('2025-03-03T12:00:00Z') / 1000;
const NOW = new Date(NOW_SECONDS * 1000);
const HISTORY_DAYS = 31; // one day more than the longest window, so (now - 30d) has a sample
const SHORT_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
const WINDOWS: readonly StatusWindowKey[] = [...SHORT_WINDOWS, '7d', '28d', '30d'];
const RELATIVE_TOLERANCE = 1e-6;

/** The SLO each scenario is evaluated as. */
const SLO_OF_SCENARIO: Readonly<Record<string, { objective: number; window: string }>> = {
  steady: { objective: 0.99, window: '30d' },
  burst: { objective: 0.999, window: '28d' },
  'counter-reset': { objective: 0.99, window: '28d' },
  'quiet-week': { objective: 0.999, window: '28d' },
  'day-night': { objective: 0.99, window: '30d' },
};

function expectCountsClose(actual: EventCounts | undefined, expected: EventCounts, what: string): void {
  expect({ what, bad: actual?.bad, total: actual?.total }).toEqual({ what, bad: expect.any(Number), total: expect.any(Number) });
  for (const key of ['bad', 'total'] as const) {
    const got = actual?.[key] ?? Number.NaN;
    if (expected[key] === 0) {
      expect({ what, key, got }).toEqual({ what, key, got: 0 });
    } else {
      const relativeError = Math.abs(got - expected[key]) / expected[key];
      expect({ what, key, got, expected: expected[key], withinTolerance: relativeError <= RELATIVE_TOLERANCE }).toEqual({
        what,
        key,
        got,
        expected: expected[key],
        withinTolerance: true,
      });
    }
  }
}

function expectSameStatus(actual: SloStatus, expected: SloStatus): void {
  expect({ state: actual.state, alerts: actual.alerts }).toEqual({ state: expected.state, alerts: expected.alerts });
  const numbers = (status: SloStatus): Array<[string, number | null]> => [
    ['sli', status.sli],
    ['errorBudgetRemaining', status.errorBudgetRemaining],
    ...Object.entries(status.windows).flatMap(([key, window]): Array<[string, number | null]> => [
      [`${key}.errorRatio`, window.errorRatio],
      [`${key}.burnRate`, window.burnRate],
    ]),
  ];
  const expectedNumbers = new Map(numbers(expected));
  for (const [name, value] of numbers(actual)) {
    const wanted = expectedNumbers.get(name) ?? null;
    if (wanted === null || value === null) {
      expect({ name, value }).toEqual({ name, value: wanted });
    } else {
      expect({ name, close: Math.abs(value - wanted) <= RELATIVE_TOLERANCE * Math.max(Math.abs(wanted), 1e-9) }).toEqual({ name, close: true });
    }
  }
}

function statusOf(scenario: TrafficScenario, counts: (window: StatusWindowKey) => EventCounts): SloStatus {
  const slo = SLO_OF_SCENARIO[scenario.name];
  const keys: StatusWindowKey[] = [...SHORT_WINDOWS, parseWindow(slo.window).label];
  return evaluateSloStatus({
    sloId: scenario.name,
    objective: slo.objective,
    window: slo.window,
    now: NOW,
    counts: Object.fromEntries(keys.map((key) => [key, counts(key)])),
  });
}

let history: SyntheticHistory;
let prometheus: RunningPrometheus | undefined;
const bucketsByScenario = new Map<string, EventBucket[]>();

function scenarioNamed(name: string): TrafficScenario {
  const scenario = history.scenarios.find((candidate) => candidate.name === name);
  if (!scenario) {
    throw new Error(`no scenario ${name}`);
  }
  return scenario;
}

function running(): RunningPrometheus {
  if (!prometheus) {
    throw new Error('Prometheus did not start');
  }
  return prometheus;
}

/** The 30 days of 5-minute buckets, as the evaluator's backfill would fetch them. */
async function backfilledBuckets(scenario: TrafficScenario): Promise<EventBucket[]> {
  const cached = bucketsByScenario.get(scenario.name);
  if (cached) {
    return cached;
  }
  let buckets: EventBucket[] = [];
  const plans = planBucketRangeQueries(scenario.indicator, { from: new Date(NOW.getTime() - 30 * 86_400_000), to: NOW });
  for (const plan of plans) {
    const result = await running().rangeQuery(plan.query, {
      start: plan.start.getTime() / 1000,
      end: plan.end.getTime() / 1000,
      stepSeconds: plan.stepSeconds,
    });
    buckets = mergeBuckets(buckets, readBucketEvents(scenario.indicator, plan, result));
  }
  bucketsByScenario.set(scenario.name, buckets);
  return buckets;
}

beforeAll(async () => {
  history = buildSyntheticHistory({ now: NOW_SECONDS, days: HISTORY_DAYS });
  prometheus = await startPrometheus({ openMetrics: renderOpenMetrics(history.families) });
}, 180_000);

afterAll(async () => {
  await prometheus?.stop();
});

describe.each(Object.keys(SLO_OF_SCENARIO))('scenario %s', (name) => {
  it('instant queries at time=now count exactly the generated events in every window', async () => {
    const scenario = scenarioNamed(name);
    const result = await running().instantQuery(buildWindowEventsQuery(scenario.indicator, WINDOWS), NOW_SECONDS);
    const counts = readWindowEvents(scenario.indicator, WINDOWS, result);
    for (const window of WINDOWS) {
      expectCountsClose(counts.get(window), expectedEvents(scenario, NOW_SECONDS, statusWindowSeconds(window)), `${name} instant ${window}`);
    }
  });

  it('5-minute buckets of the range query sum to the generated events in every window', async () => {
    const scenario = scenarioNamed(name);
    const buckets = await backfilledBuckets(scenario);
    expect(buckets).toHaveLength(30 * 288);
    for (const window of WINDOWS) {
      const seconds = statusWindowSeconds(window);
      const sum = sumBucketsInWindow(buckets, { now: NOW, seconds });
      expect({ window, bucketCount: sum.bucketCount }).toEqual({ window, bucketCount: seconds / 300 });
      expectCountsClose(sum, expectedEvents(scenario, NOW_SECONDS, seconds), `${name} buckets ${window}`);
    }
  });

  it('merging an overlapping re-query of the last hour changes no count (idempotent buckets)', async () => {
    const scenario = scenarioNamed(name);
    const buckets = await backfilledBuckets(scenario);
    const [plan] = planBucketRangeQueries(scenario.indicator, { from: new Date(NOW.getTime() - 3_600_000), to: NOW });
    const result = await running().rangeQuery(plan.query, {
      start: plan.start.getTime() / 1000,
      end: plan.end.getTime() / 1000,
      stepSeconds: plan.stepSeconds,
    });
    const fresh = readBucketEvents(scenario.indicator, plan, result);
    expect(fresh).toHaveLength(12);
    const merged = mergeBuckets(mergeBuckets(buckets, fresh), fresh);
    expect(merged).toEqual(buckets);
  });

  it('gives the same status from Prometheus counts as from the generated events', async () => {
    const scenario = scenarioNamed(name);
    const buckets = await backfilledBuckets(scenario);
    // What the evaluator does: short windows from one instant query, the SLO window from buckets.
    const instant = readWindowEvents(
      scenario.indicator,
      SHORT_WINDOWS,
      await running().instantQuery(buildWindowEventsQuery(scenario.indicator, SHORT_WINDOWS), NOW_SECONDS),
    );
    const fromPrometheus = statusOf(scenario, (window) =>
      (SHORT_WINDOWS as readonly string[]).includes(window)
        ? (instant.get(window) ?? { bad: Number.NaN, total: Number.NaN })
        : sumBucketsInWindow(buckets, { now: NOW, seconds: statusWindowSeconds(window) }),
    );
    const fromEvents = statusOf(scenario, (window) => expectedEvents(scenario, NOW_SECONDS, statusWindowSeconds(window)));
    expectSameStatus(fromPrometheus, fromEvents);
  });
});

describe('what the scenarios exercise', () => {
  const statusFromEvents = (name: string): SloStatus =>
    statusOf(scenarioNamed(name), (window) => expectedEvents(scenarioNamed(name), NOW_SECONDS, statusWindowSeconds(window)));

  it('burst: the 6h/30m page fires, the 1h/5m page does not (its 5m window is past the burst)', () => {
    const status = statusFromEvents('burst');
    expect(status.state).toBe('critical');
    expect(status.alerts.filter((alert) => alert.firing).map((alert) => `${alert.long}/${alert.short}`)).toContain('6h/30m');
    expect(status.alerts.find((alert) => alert.long === '1h')?.firing).toBe(false);
  });

  it('quiet week: windows up to 7d have no data, the 28d budget is still reported', async () => {
    const scenario = scenarioNamed('quiet-week');
    const sevenDays = sumBucketsInWindow(await backfilledBuckets(scenario), { now: NOW, seconds: 7 * 86_400 });
    expect(sevenDays.total).toBe(0);
    const status = statusFromEvents('quiet-week');
    expect(SHORT_WINDOWS.map((window) => status.windows[window].errorRatio)).toEqual(SHORT_WINDOWS.map(() => null));
    expect(status.state).toBe('ok');
    expect(status.errorBudgetRemaining).not.toBeNull();
  });

  it('counter reset: a raw counter difference is wrong across the restarts, increase() is exact', async () => {
    const scenario = scenarioNamed('counter-reset');
    const selector = 'http_requests_total{scenario="counter-reset"}';
    const expected = expectedEvents(scenario, NOW_SECONDS, 3 * 3600);
    const naive = await running().instantQuery(`sum(${selector}) - sum(${selector} offset 3h)`, NOW_SECONDS);
    expect(Number(naive[0].value[1])).toBeLessThan(expected.total * 0.5);
    const counted = readWindowEvents(scenario.indicator, ['3d'], await running().instantQuery(buildWindowEventsQuery(scenario.indicator, ['3d']), NOW_SECONDS));
    expectCountsClose(counted.get('3d'), expectedEvents(scenario, NOW_SECONDS, 3 * 86_400), 'counter-reset 3d');
  });

  it('day/night: the average of 5-minute ratios is far from the event-weighted ratio Ballast reports', async () => {
    const scenario = scenarioNamed('day-night');
    const seconds = 30 * 86_400;
    const perBucket = expectedFiveMinuteBuckets(scenario, NOW_SECONDS, seconds).filter((bucket) => bucket.total > 0);
    const averageOfRatios = perBucket.reduce((sum, bucket) => sum + bucket.bad / bucket.total, 0) / perBucket.length;
    const expected = expectedEvents(scenario, NOW_SECONDS, seconds);
    const eventWeighted = expected.bad / expected.total;
    expect(averageOfRatios).toBeGreaterThan(2 * eventWeighted);

    const fromBuckets = sumBucketsInWindow(await backfilledBuckets(scenario), { now: NOW, seconds });
    const reported = statusOf(scenario, (window) => (window === '30d' ? fromBuckets : expectedEvents(scenario, NOW_SECONDS, statusWindowSeconds(window))))
      .windows['30d'].errorRatio;
    expect(Math.abs((reported ?? Number.NaN) - eventWeighted) / eventWeighted).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
  });
});

describe('Prometheus rule export', () => {
  it('loads into a real Prometheus and every rule evaluates healthy', async () => {
    const slos: SloRuleSource[] = history.scenarios.map((scenario) => ({
      id: scenario.name,
      name: `${scenario.name} {{ not a template }}`,
      service: `svc-${scenario.name}`,
      team: 'sre',
      objective: SLO_OF_SCENARIO[scenario.name].objective,
      window: SLO_OF_SCENARIO[scenario.name].window,
      indicator: scenario.indicator,
    }));
    const expectedGroups = buildPrometheusRules(slos, { objectiveWindowInterval: '1s' }).groups;
    const rulesPrometheus = await startPrometheus({
      ruleFiles: { 'ballast.rules.yml': renderPrometheusRules(slos, { objectiveWindowInterval: '1s' }) },
      evaluationInterval: '1s',
    });
    try {
      type RuleGroups = { groups: Array<{ name: string; rules: Array<{ name: string; health: string; lastError?: string; lastEvaluation: string }> }> };
      const evaluated = (groups: RuleGroups['groups']): boolean =>
        groups.length === expectedGroups.length && groups.every((group) => group.rules.every((rule) => !rule.lastEvaluation.startsWith('0001-')));
      let groups: RuleGroups['groups'] = [];
      // Prometheus lists groups in its own order; compare by name.
      const shape = (list: ReadonlyArray<{ name: string; rules: readonly unknown[] }>): string[] =>
        list.map((group) => `${group.name}: ${group.rules.length} rules`).sort();
      // Until Prometheus has loaded every group and evaluated each rule once.
      await eventually(
        async () => {
          groups = (await rulesPrometheus.api<RuleGroups>('/api/v1/rules')).groups;
          expect(shape(groups)).toEqual(shape(expectedGroups));
          expect(evaluated(groups)).toBe(true);
        },
        30_000,
        250,
      );
      expect(shape(groups)).toEqual(shape(expectedGroups));
      expect(evaluated(groups)).toBe(true);
      const unhealthy = groups.flatMap((group) =>
        group.rules.filter((rule) => rule.health !== 'ok').map((rule) => `${group.name}/${rule.name}: ${rule.health} ${rule.lastError ?? ''}`),
      );
      expect(unhealthy).toEqual([]);
    } finally {
      await rulesPrometheus.stop();
    }
  });
});
