// OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`.
// Only what the SLO tests need: counters and classic histograms with explicit
// timestamps (seconds), rendered family by family and ending with `# EOF`.

export type Labels = Readonly<Record<string, string>>;

/** One counter series: points of [timestamp in seconds, cumulative value]. */
export interface CounterSeries {
  readonly labels: Labels;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

export interface CounterFamily {
  readonly type: 'counter';
  /** Family name without `_total`; samples are written as `<name>_total`. */
  readonly name: string;
  readonly help: string;
  readonly series: readonly CounterSeries[];
}

/** One histogram point: cumulative bucket counts (same order as `bounds`, +Inf last), count and sum. */
export interface HistogramPoint {
  readonly timestamp: number;
  readonly cumulativeBuckets: readonly number[];
  readonly sum: number;
}

export interface HistogramSeries {
  readonly labels: Labels;
  readonly points: readonly HistogramPoint[];
}

export interface HistogramFamily {
  readonly type: 'histogram';
  readonly name: string;
  readonly help: string;
  /** `le` values as they will appear on the `_bucket` series, `+Inf` last. */
  readonly bounds: readonly string[];
  readonly series: readonly HistogramSeries[];
}

export type MetricFamily = CounterFamily | HistogramFamily;

/**
 * Renders the families as OpenMetrics text. Counter series are written one after
 * the other, each in time order; a histogram's buckets, count and sum of one
 * timestamp are written together, as the format groups a MetricPoint.
 */
export function renderOpenMetrics(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  const names = new Set<string>();
  for (const family of families) {
    if (names.has(family.name)) {
      throw new Error(`OpenMetrics family ${family.name} appears twice; merge its series`);
    }
    names.add(family.name);
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    if (family.type === 'counter') {
      for (const series of family.series) {
        const labels = formatLabels(series.labels);
        checkIncreasingTimestamps(
          series.points.map(([timestamp]) => timestamp),
          family.name,
        );
        for (const [timestamp, value] of series.points) {
          lines.push(`${family.name}_total${labels} ${formatNumber(value)} ${formatNumber(timestamp)}`);
        }
      }
    } else {
      if (family.bounds[family.bounds.length - 1] !== '+Inf') {
        throw new Error(`Histogram ${family.name} needs +Inf as its last bucket`);
      }
      for (const series of family.series) {
        checkIncreasingTimestamps(
          series.points.map((point) => point.timestamp),
          family.name,
        );
        for (const point of series.points) {
          const timestamp = formatNumber(point.timestamp);
          family.bounds.forEach((le, index) => {
            lines.push(`${family.name}_bucket${formatLabels({ ...series.labels, le })} ${formatNumber(point.cumulativeBuckets[index])} ${timestamp}`);
          });
          const count = point.cumulativeBuckets[point.cumulativeBuckets.length - 1];
          lines.push(`${family.name}_count${formatLabels(series.labels)} ${formatNumber(count)} ${timestamp}`);
          lines.push(`${family.name}_sum${formatLabels(series.labels)} ${formatNumber(point.sum)} ${timestamp}`);
        }
      }
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) {
    return '';
  }
  return `{${entries.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) {
    throw new Error(`OpenMetrics test data must be finite, got ${value}`);
  }
  return String(value);
}

function checkIncreasingTimestamps(timestamps: readonly number[], family: string): void {
  for (let index = 1; index < timestamps.length; index += 1) {
    if (timestamps[index] <= timestamps[index - 1]) {
      throw new Error(`Series of ${family} has non-increasing timestamps at ${timestamps[index]}`);
    }
  }
}
