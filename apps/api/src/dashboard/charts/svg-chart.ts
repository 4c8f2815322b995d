/**
 * Server-rendered SVG charts for the dashboards: no JavaScript, no external
 * assets. Every chart carries a <title> and <desc> (role="img"), and callers
 * render the same numbers as a table next to it, so a screen reader gets the
 * data, not a picture of it.
 */

export interface ChartPoint {
  at: Date;
  value: number | null;
}

export interface ChartSeries {
  name: string;
  points: ChartPoint[];
  /** CSS class for the stroke colour (e.g. `series-sli`); patterns also differ by dash style. */
  className: string;
  dashed?: boolean;
}

export interface ChartMarker {
  at: Date;
  label: string;
  href?: string;
}

export interface ChartThreshold {
  value: number;
  label: string;
}

export interface LineChartInput {
  id: string;
  title: string;
  description: string;
  series: ChartSeries[];
  from: Date;
  to: Date;
  yMin?: number;
  yMax?: number;
  formatValue: (value: number) => string;
  thresholds?: ChartThreshold[];
  markers?: ChartMarker[];
  width?: number;
  height?: number;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] as string);
}

const PADDING = { top: 12, right: 16, bottom: 28, left: 56 };

function niceBounds(values: number[], yMin?: number, yMax?: number): { min: number; max: number } {
  const finite = values.filter((value) => Number.isFinite(value));
  let min = yMin ?? (finite.length ? Math.min(...finite) : 0);
  let max = yMax ?? (finite.length ? Math.max(...finite) : 1);
  if (yMin === undefined && finite.length) min = Math.min(min, 0);
  if (max === min) {
    max = min + 1;
  }
  return { min, max };
}

function formatDay(at: Date): string {
  return `${at.toISOString().slice(5, 10)} ${at.toISOString().slice(11, 16)}`;
}

/** A line chart with gaps for missing data (null values never draw as zero). */
export function renderLineChart(input: LineChartInput): string {
  const width = input.width ?? 720;
  const height = input.height ?? 220;
  const plotWidth = width - PADDING.left - PADDING.right;
  const plotHeight = height - PADDING.top - PADDING.bottom;
  const span = Math.max(1, input.to.getTime() - input.from.getTime());
  const values = input.series.flatMap((series) => series.points.map((point) => point.value).filter((value): value is number => value !== null));
  const thresholdValues = (input.thresholds ?? []).map((threshold) => threshold.value);
  const { min, max } = niceBounds([...values, ...thresholdValues], input.yMin, input.yMax);
  const x = (at: Date): number => PADDING.left + ((at.getTime() - input.from.getTime()) / span) * plotWidth;
  const y = (value: number): number => PADDING.top + (1 - (Math.min(max, Math.max(min, value)) - min) / (max - min)) * plotHeight;
  const titleId = `${input.id}-title`;
  const descId = `${input.id}-desc`;

  const paths = input.series
    .map((series) => {
      let d = '';
      let penDown = false;
      for (const point of series.points) {
        if (point.value === null || !Number.isFinite(point.value)) {
          penDown = false;
          continue;
        }
        d += `${penDown ? 'L' : 'M'}${x(point.at).toFixed(1)},${y(point.value).toFixed(1)}`;
        penDown = true;
      }
      return d
        ? `<path class="line ${escapeXml(series.className)}" d="${d}"${series.dashed ? ' stroke-dasharray="6 4"' : ''}><title>${escapeXml(series.name)}</title></path>`
        : '';
    })
    .join('');

  const ticks = [0, 0.25, 0.5, 0.75, 1].map((fraction) => min + fraction * (max - min));
  const yAxis = ticks
    .map(
      (value) =>
        `<g class="tick"><line x1="${PADDING.left}" x2="${width - PADDING.right}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}"/><text x="${PADDING.left - 6}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end">${escapeXml(input.formatValue(value))}</text></g>`,
    )
    .join('');
  const xAxis = [0, 0.5, 1]
    .map((fraction) => new Date(input.from.getTime() + fraction * span))
    .map(
      (at, index) =>
        `<text class="x-label" x="${x(at).toFixed(1)}" y="${height - 8}" text-anchor="${['start', 'middle', 'end'][index]}">${escapeXml(formatDay(at))} UTC</text>`,
    )
    .join('');
  const thresholds = (input.thresholds ?? [])
    .map(
      (threshold) =>
        `<g class="threshold"><line x1="${PADDING.left}" x2="${width - PADDING.right}" y1="${y(threshold.value).toFixed(1)}" y2="${y(threshold.value).toFixed(1)}" stroke-dasharray="2 3"/><text x="${width - PADDING.right}" y="${(y(threshold.value) - 4).toFixed(1)}" text-anchor="end">${escapeXml(threshold.label)}</text></g>`,
    )
    .join('');
  const markers = (input.markers ?? [])
    .filter((marker) => marker.at >= input.from && marker.at <= input.to)
    .map((marker) => {
      const line = `<line x1="${x(marker.at).toFixed(1)}" x2="${x(marker.at).toFixed(1)}" y1="${PADDING.top}" y2="${PADDING.top + plotHeight}"/><path d="M${(x(marker.at) - 5).toFixed(1)},${PADDING.top}l5,8l5,-8z"/><title>${escapeXml(marker.label)}</title>`;
      return marker.href ? `<a class="marker" href="${escapeXml(marker.href)}">${line}</a>` : `<g class="marker">${line}</g>`;
    })
    .join('');

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${titleId} ${descId}" focusable="false">` +
    `<title id="${titleId}">${escapeXml(input.title)}</title><desc id="${descId}">${escapeXml(input.description)}</desc>` +
    `<g class="axes">${yAxis}${xAxis}</g>${thresholds}<g class="series">${paths}</g>${markers}</svg>`
  );
}

/** Evenly thins a series to at most `maxPoints`, keeping the first and last point. */
export function thinSeries(points: ChartPoint[], maxPoints: number): ChartPoint[] {
  if (points.length <= maxPoints) return points;
  const step = (points.length - 1) / (maxPoints - 1);
  return Array.from({ length: maxPoints }, (_, index) => points[Math.round(index * step)]);
}
