import { CalendarWindow, DEFAULT_TIME_ZONE, isCalendarWindow } from './calendar-window';
import { Document } from 'yaml';
import { leSpellings } from './promql-queries';
import { parseSeriesSelector, withLabelMatchers } from './promql-selector';
import { isTemplateIndicator, SloIndicator } from './slo-indicator';
import type { SloPolicy } from './slo-policy';
import { ballastAnnotations } from './spec-import/openslo-v1-annotations';
import type { SloAlertingSpec } from './spec-import/spec-types';

/** What the OpenSLO export needs to know about one SLO. */
export interface OpenSloExportSource {
  readonly name: string;
  readonly description: string | null;
  readonly service: string;
  readonly serviceName: string;
  readonly objective: number;
  readonly window: string;
  /** Time zone of a calendar window (`week`, `month`, `quarter`). */
  readonly timeZone?: string | null;
  readonly indicator: SloIndicator;
  /** Exported as the `ballast.dev/policy` annotation (without its status-page part). */
  readonly policy?: SloPolicy;
  /** Exported as the `ballast.dev/alerting` annotation. */
  readonly alerting?: SloAlertingSpec | null;
}

/**
 * OpenSLO v1 documents for a set of SLOs: one Service per service and one SLO
 * per SLO with an inline ratioMetric of Prometheus queries (selectors as they
 * are, templates as they are, a latency indicator as good = its `le` bucket and
 * total = its `+Inf` bucket), a rolling window and Occurrences budgeting.
 * Re-importing the output gives the same SLOs (see importSloSpecs).
 */
export function buildOpenSloDocuments(slos: readonly OpenSloExportSource[]): Array<Record<string, unknown>> {
  const services = new Map<string, string>();
  for (const slo of slos) services.set(slo.service, slo.serviceName);
  return [
    ...[...services].map(([slug, name]) => ({
      apiVersion: 'openslo/v1',
      kind: 'Service',
      metadata: { name: slug, displayName: name },
      spec: {},
    })),
    ...slos.map((slo) => ({
      apiVersion: 'openslo/v1',
      kind: 'SLO',
      metadata: annotatedMetadata(slo),
      spec: {
        ...(slo.description !== null ? { description: slo.description } : {}),
        service: slo.service,
        indicator: { metadata: { name: `${slo.name}-sli` }, spec: indicatorSpec(slo.indicator) },
        timeWindow: [openSloTimeWindow(slo)],
        budgetingMethod: slo.indicator.budgeting !== undefined ? 'Timeslices' : 'Occurrences',
        objectives: [objectiveOf(slo)],
      },
    })),
  ];
}

/** The documents as one YAML list (the form oslo and the OpenSLO Go SDK read). */
export function renderOpenSlo(slos: readonly OpenSloExportSource[]): string {
  const document = new Document(buildOpenSloDocuments(slos), { aliasDuplicateObjects: false });
  document.commentBefore = ' OpenSLO v1, exported by Ballast.';
  return document.toString({ lineWidth: 0 });
}

function annotatedMetadata(slo: OpenSloExportSource): Record<string, unknown> {
  const annotations = ballastAnnotations(slo.policy, slo.alerting);
  return Object.keys(annotations).length > 0 ? { name: slo.name, annotations } : { name: slo.name };
}

function indicatorSpec(indicator: SloIndicator): Record<string, unknown> {
  if (indicator.kind === 'threshold') {
    return { thresholdMetric: { metricSource: { type: 'Prometheus', spec: { query: indicator.query } } } };
  }
  const { budgeting: _timeslices, ...counted } = indicator;
  return { ratioMetric: ratioMetric(counted) };
}

/** The objective: target, plus op/value of a threshold and the slice of Timeslices budgeting. */
function objectiveOf(slo: OpenSloExportSource): Record<string, unknown> {
  const indicator = slo.indicator;
  return {
    ...(indicator.kind === 'threshold' ? { op: indicator.op, value: indicator.value } : {}),
    target: slo.objective,
    ...(indicator.budgeting !== undefined ? { timeSliceTarget: indicator.budgeting.sliceTarget ?? 1, timeSliceWindow: indicator.budgeting.slice } : {}),
  };
}

function ratioMetric(indicator: Exclude<SloIndicator, { kind: 'threshold' }>): Record<string, unknown> {
  const source = (query: string) => ({ metricSource: { type: 'Prometheus', spec: { query } } });
  if (indicator.kind === 'latency') {
    const histogram = parseSeriesSelector(indicator.histogram);
    const spellings = leSpellings(indicator.threshold);
    return {
      counter: true,
      good: source(withLabelMatchers(histogram, [{ name: 'le', operator: '=', value: spellings[0] }])),
      total: source(withLabelMatchers(histogram, [{ name: 'le', operator: '=', value: '+Inf' }])),
    };
  }
  if (isTemplateIndicator(indicator)) {
    return indicator.badQuery !== undefined
      ? { counter: true, bad: source(indicator.badQuery), total: source(indicator.totalQuery) }
      : { counter: true, good: source(indicator.goodQuery), total: source(indicator.totalQuery) };
  }
  return indicator.bad !== undefined
    ? { counter: true, bad: source(indicator.bad), total: source(indicator.total) }
    : { counter: true, good: source(indicator.good as string), total: source(indicator.total) };
}

const CALENDAR_EXPORT_DURATIONS: Readonly<Record<CalendarWindow, string>> = { week: '1w', month: '1M', quarter: '1Q' };

/**
 * A rolling window as `{ duration: 28d, isRolling: true }`; a calendar window
 * as `{ duration: 1w|1M|1Q, isRolling: false, calendar: { startTime, timeZone } }`
 * with a start (Monday 1 January 2024, 00:00 local) on every period boundary.
 */
function openSloTimeWindow(slo: Pick<OpenSloExportSource, 'window' | 'timeZone'>): Record<string, unknown> {
  if (!isCalendarWindow(slo.window)) return { duration: slo.window, isRolling: true };
  return {
    duration: CALENDAR_EXPORT_DURATIONS[slo.window],
    isRolling: false,
    calendar: { startTime: '2024-01-01 00:00:00', timeZone: slo.timeZone ?? DEFAULT_TIME_ZONE },
  };
}
