// Synthetic request histories for the SLO tests against a real Prometheus.
//
// Each scenario is generated as "events per sample interval" (the truth the
// tests compute expected values from) and rendered as the counters a service
// would expose (cumulative, per instance, with restarts), sampled every 60 s on
// the minute grid and anchored at a fixed `now` — never the wall clock.
import type { SloIndicator } from '../../libs/slo/src';
import type { CounterSeries, HistogramSeries, MetricFamily } from './openmetrics';

export const SAMPLE_INTERVAL_SECONDS = 60;
const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

/** Events that happened in (end - 60 s, end], summed over all instances. */
export interface IntervalEvents {
  readonly end: number;
  readonly good: number;
  readonly bad: number;
}

export interface TrafficScenario {
  /** Value of the `scenario` label that isolates this scenario's series. */
  readonly name: string;
  readonly description: string;
  readonly indicator: SloIndicator;
  readonly intervals: readonly IntervalEvents[];
}

export interface SyntheticHistory {
  readonly now: number;
  readonly start: number;
  readonly scenarios: readonly TrafficScenario[];
  readonly families: readonly MetricFamily[];
}

/** Sums the generated events of the intervals ending in (now - seconds, now]. */
export function expectedEvents(scenario: TrafficScenario, now: number, seconds: number): { readonly bad: number; readonly total: number } {
  let bad = 0;
  let total = 0;
  for (const interval of scenario.intervals) {
    if (interval.end > now - seconds && interval.end <= now) {
      bad += interval.bad;
      total += interval.good + interval.bad;
    }
  }
  return { bad, total };
}

/** Generated events per 5-minute bucket (keyed by bucket end), for average-vs-weighted comparisons. */
export function expectedFiveMinuteBuckets(scenario: TrafficScenario, now: number, seconds: number): Array<{ bad: number; total: number }> {
  const buckets = new Map<number, { bad: number; total: number }>();
  for (const interval of scenario.intervals) {
    if (interval.end > now - seconds && interval.end <= now) {
      const bucketEnd = Math.ceil(interval.end / 300) * 300;
      const bucket = buckets.get(bucketEnd) ?? { bad: 0, total: 0 };
      bucket.bad += interval.bad;
      bucket.total += interval.good + interval.bad;
      buckets.set(bucketEnd, bucket);
    }
  }
  return [...buckets.values()];
}

/**
 * Builds every scenario over [now - days, now]. `now` must be on the 5-minute
 * grid so that every window boundary is a sample timestamp.
 */
export function buildSyntheticHistory(options: { readonly now: number; readonly days: number }): SyntheticHistory {
  const { now, days } = options;
  if (now % 300 !== 0) {
    throw new Error('The synthetic history needs `now` on the 5-minute grid');
  }
  const start = now - days * DAY;
  const timeline = { start, now };
  const counterSeries: CounterSeries[] = [];
  const histogramSeries: HistogramSeries[] = [];
  const scenarios: TrafficScenario[] = [];

  const add = (scenario: GeneratedScenario): void => {
    scenarios.push(scenario.scenario);
    counterSeries.push(...scenario.counters);
    histogramSeries.push(...scenario.histograms);
  };

  add(
    ratioScenario(timeline, {
      name: 'steady',
      description: 'two instances, ~200 req/min, 0.2% errors',
      seed: 1,
      indicatorCounter: 'bad',
      instances: [
        { instance: 'a', share: 0.5, restartsAt: [] },
        { instance: 'b', share: 0.5, restartsAt: [] },
      ],
      eventsAt: (_end, random) => {
        const total = noisyCount(200, random);
        return splitBad(total, 0.002, random);
      },
    }),
  );
  add(
    ratioScenario(timeline, {
      name: 'burst',
      description: '300 req/min at 0.1% errors, 30% errors from 35 to 25 minutes before now; indicator counts good events',
      seed: 2,
      indicatorCounter: 'good',
      instances: [{ instance: 'a', share: 1, restartsAt: [] }],
      eventsAt: (end, random) => {
        const inBurst = end > now - 35 * MINUTE && end <= now - 25 * MINUTE;
        return splitBad(noisyCount(300, random), inBurst ? 0.3 : 0.001, random);
      },
    }),
  );
  add(
    ratioScenario(timeline, {
      name: 'counter-reset',
      description: 'two instances that restart (counters back to 0), 0.5% errors',
      seed: 3,
      indicatorCounter: 'bad',
      instances: [
        { instance: 'a', share: 0.6, restartsAt: [now - 20 * DAY] },
        // Restarts inside the 5m, 1h..3h and 10d windows.
        { instance: 'b', share: 0.4, restartsAt: [now - 10 * DAY - 7 * MINUTE, now - 2 * HOUR - 3 * MINUTE, now - 2 * MINUTE] },
      ],
      eventsAt: (_end, random) => splitBad(noisyCount(150, random), 0.005, random),
    }),
  );
  add(
    ratioScenario(timeline, {
      name: 'quiet-week',
      description: '120 req/min at 0.3% errors, then no traffic at all for the last 7 days (counters still scraped)',
      seed: 4,
      indicatorCounter: 'bad',
      instances: [{ instance: 'a', share: 1, restartsAt: [] }],
      eventsAt: (end, random) => (end > now - 7 * DAY ? { good: 0, bad: 0 } : splitBad(noisyCount(120, random), 0.003, random)),
    }),
  );
  add(
    latencyScenario(timeline, {
      name: 'day-night',
      description: 'latency SLO; 3000 req/min by day with 0.02% slow requests, 30 req/min by night with 3% slow',
      seed: 5,
      eventsAt: (end, random) => {
        // Volume and slowness follow the hour of day (UTC): busy and fast by day, quiet and slow by night.
        const daylight = (1 + Math.cos(((end % DAY) / DAY - 14 / 24) * 2 * Math.PI)) / 2; // 1 at 14:00, 0 at 02:00
        const total = noisyCount(30 + 2970 * daylight ** 2, random);
        const slowShare = 0.03 - (0.03 - 0.0002) * daylight;
        return splitBad(total, slowShare, random);
      },
    }),
  );

  const families: MetricFamily[] = [
    { type: 'counter', name: 'http_requests', help: 'Requests served, by status code.', series: counterSeries },
    {
      type: 'histogram',
      name: 'http_request_duration_seconds',
      help: 'Request latency.',
      bounds: LATENCY_BOUNDS,
      series: histogramSeries,
    },
  ];
  return { now, start, scenarios, families };
}

type Random = () => number;

interface Timeline {
  readonly start: number;
  readonly now: number;
}

interface GeneratedScenario {
  readonly scenario: TrafficScenario;
  readonly counters: CounterSeries[];
  readonly histograms: HistogramSeries[];
}

interface InstancePlan {
  readonly instance: string;
  readonly share: number;
  /** Sample timestamps at which the process had restarted: its counters restart from 0 in that interval. */
  readonly restartsAt: readonly number[];
}

interface RatioScenarioPlan {
  readonly name: string;
  readonly description: string;
  readonly seed: number;
  readonly indicatorCounter: 'bad' | 'good';
  readonly instances: readonly InstancePlan[];
  readonly eventsAt: (end: number, random: Random) => { good: number; bad: number };
}

/** A counter `http_requests_total{scenario, instance, code}` per instance and code 200 / 500. */
function ratioScenario(timeline: Timeline, plan: RatioScenarioPlan): GeneratedScenario {
  const random = mulberry32(plan.seed);
  const intervals = generateIntervals(timeline, plan.eventsAt, random);
  const counters: CounterSeries[] = [];
  plan.instances.forEach((instance, instanceIndex) => {
    const share = (events: number, interval: number): number => instanceShare(events, plan.instances, instanceIndex, mulberry32(plan.seed * 1000 + interval));
    for (const [code, pick] of [
      ['200', (events: IntervalEvents) => events.good],
      ['500', (events: IntervalEvents) => events.bad],
    ] as const) {
      counters.push({
        labels: { scenario: plan.name, instance: instance.instance, code },
        points: cumulative(timeline, intervals, instance.restartsAt, (events, index) => share(pick(events), index), code === '200' ? 1_000_000 : 5_000),
      });
    }
  });
  const selector = (code?: string): string => `http_requests_total{scenario="${plan.name}"${code ? `,code=~"${code}"` : ''}}`;
  const indicator: SloIndicator =
    plan.indicatorCounter === 'bad' ? { kind: 'ratio', total: selector(), bad: selector('5..') } : { kind: 'ratio', total: selector(), good: selector('2..') };
  return { scenario: { name: plan.name, description: plan.description, indicator, intervals }, counters, histograms: [] };
}

const LATENCY_BOUNDS = ['0.1', '0.3', '1', '+Inf'];

/** A histogram `http_request_duration_seconds{scenario, instance}`: good = at most 0.3 s. */
function latencyScenario(timeline: Timeline, plan: Pick<RatioScenarioPlan, 'name' | 'description' | 'seed' | 'eventsAt'>): GeneratedScenario {
  const random = mulberry32(plan.seed);
  const intervals = generateIntervals(timeline, plan.eventsAt, random);
  // Requests per latency class: <=0.1 s, (0.1, 0.3] (both good), (0.3, 1], >1 s (both bad).
  // The first sample carries an offset, as if the service had run before.
  const perClass = [10_000, 2_000, 10, 2];
  let sum = 1_000;
  const cumulativeOf = (counts: readonly number[]): number[] => counts.map((_, index) => counts.slice(0, index + 1).reduce((a, b) => a + b, 0));
  const points = [{ timestamp: timeline.start, cumulativeBuckets: cumulativeOf(perClass), sum }];
  for (const interval of intervals) {
    const fast = Math.floor(interval.good * 0.7);
    const slow = Math.ceil(interval.bad * 0.8);
    const classes = [fast, interval.good - fast, slow, interval.bad - slow];
    classes.forEach((count, index) => (perClass[index] += count));
    sum += classes[0] * 0.05 + classes[1] * 0.2 + classes[2] * 0.6 + classes[3] * 2.5;
    points.push({ timestamp: interval.end, cumulativeBuckets: cumulativeOf(perClass), sum: Math.round(sum * 1000) / 1000 });
  }
  const indicator: SloIndicator = {
    kind: 'latency',
    histogram: `http_request_duration_seconds_bucket{scenario="${plan.name}"}`,
    threshold: '0.3',
  };
  return {
    scenario: { name: plan.name, description: plan.description, indicator, intervals },
    counters: [],
    histograms: [{ labels: { scenario: plan.name, instance: 'a' }, points }],
  };
}

function generateIntervals(timeline: Timeline, eventsAt: (end: number, random: Random) => { good: number; bad: number }, random: Random): IntervalEvents[] {
  const intervals: IntervalEvents[] = [];
  for (let end = timeline.start + SAMPLE_INTERVAL_SECONDS; end <= timeline.now; end += SAMPLE_INTERVAL_SECONDS) {
    intervals.push({ end, ...eventsAt(end, random) });
  }
  return intervals;
}

/**
 * Cumulative counter samples of one instance: the first sample (at `start`)
 * carries an arbitrary offset, as if the process had run before; at a restart
 * the counter holds only the events of that interval. Prometheus detects a
 * reset only when the value drops, so a restart that would not drop is refused
 * (the test would then measure the generator, not Ballast).
 */
function cumulative(
  timeline: Timeline,
  intervals: readonly IntervalEvents[],
  restartsAt: readonly number[],
  eventsOf: (events: IntervalEvents, index: number) => number,
  initialValue: number,
): Array<[number, number]> {
  const points: Array<[number, number]> = [[timeline.start, initialValue]];
  let value = initialValue;
  intervals.forEach((interval, index) => {
    const events = eventsOf(interval, index);
    if (restartsAt.includes(interval.end)) {
      if (events >= value) {
        throw new Error(`A restart at ${interval.end} would not lower the counter (${value} -> ${events})`);
      }
      value = events;
    } else {
      value += events;
    }
    points.push([interval.end, value]);
  });
  for (const restart of restartsAt) {
    if (!intervals.some((interval) => interval.end === restart)) {
      throw new Error(`Restart time ${restart} is not a sample timestamp`);
    }
  }
  return points;
}

/** Splits `events` among instances by share; the last instance takes the remainder so nothing is lost. */
function instanceShare(events: number, instances: readonly InstancePlan[], index: number, random: Random): number {
  let remaining = events;
  for (let current = 0; current < instances.length; current += 1) {
    const taken = current === instances.length - 1 ? remaining : Math.min(remaining, Math.floor(events * instances[current].share + random()));
    if (current === index) {
      return taken;
    }
    remaining -= taken;
  }
  return 0;
}

function noisyCount(mean: number, random: Random): number {
  return Math.max(0, Math.floor(mean * (0.8 + 0.4 * random()) + random()));
}

function splitBad(total: number, badShare: number, random: Random): { good: number; bad: number } {
  const bad = Math.min(total, Math.floor(total * badShare * (0.5 + random()) + random()));
  return { good: total - bad, bad };
}

/** Small deterministic PRNG (mulberry32): the same seed gives the same history on every run. */
function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
