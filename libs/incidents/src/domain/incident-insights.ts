import { AcknowledgedVia, countsInMtta } from './acknowledgement';
import { IncidentClock, timeToAcknowledgeSeconds, timeToResolveSeconds } from './incident-clock';
import { INCIDENT_SOURCES, IncidentSource, Severity, SEVERITIES } from './incident-enums';
import { InvalidPeriodError } from './incident-errors';

/**
 * Pure helpers behind GET /api/v1/insights/incidents.
 *
 * Percentiles use linear interpolation between closest ranks (Hyndman & Fan
 * type 7: numpy's default, Excel's PERCENTILE.INC and PostgreSQL's
 * `percentile_cont`), so a figure computed here and one computed in SQL agree,
 * and the median of an even count is the mean of the two middle values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within [0, 100], got ${p}`);
  if (values.length === 0) return null;
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError(`percentile of a non-finite value: ${value}`);
  }
  const sorted = [...values].sort((a, b) => a - b);
  const position = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

export function median(values: readonly number[]): number | null {
  return percentile(values, 50);
}

export interface DurationSummary {
  readonly median: number | null;
  readonly p90: number | null;
}

/** Median and p90 of durations in seconds, rounded to whole seconds; nulls when there is no data. */
export function summarizeDurations(seconds: readonly number[]): DurationSummary {
  const round = (value: number | null): number | null => (value === null ? null : Math.round(value));
  return { median: round(median(seconds)), p90: round(percentile(seconds, 90)) };
}

/** A half-open time range [from, to). */
export interface Period {
  readonly from: Date;
  readonly to: Date;
}

export function assertValidPeriod(period: Period): void {
  if (Number.isNaN(period.from.getTime()) || Number.isNaN(period.to.getTime())) {
    throw new InvalidPeriodError('from and to must be valid timestamps');
  }
  if (period.to.getTime() <= period.from.getTime()) {
    throw new InvalidPeriodError(`to (${period.to.toISOString()}) must be after from (${period.from.toISOString()})`);
  }
}

/**
 * The period of equal length just before: [from - (to - from), from). Exact
 * milliseconds, not calendar months, so "last 90 days" compares with the 90
 * days before regardless of month lengths or DST.
 */
export function previousPeriod(period: Period): Period {
  assertValidPeriod(period);
  const length = period.to.getTime() - period.from.getTime();
  return { from: new Date(period.from.getTime() - length), to: period.from };
}

export function isWithinPeriod(at: Date | null, period: Period): boolean {
  if (at === null) return false;
  const time = at.getTime();
  return time >= period.from.getTime() && time < period.to.getTime();
}

/** What insights need to know about one incident. */
export interface InsightIncident {
  readonly team: string | null;
  readonly type: string | null;
  readonly severity: Severity;
  readonly source: IncidentSource;
  readonly clock: Pick<IncidentClock, 'startedAt' | 'detectedAt' | 'acknowledgedAt' | 'resolvedAt'>;
  /** resolved as a duplicate of another incident: counted nowhere */
  readonly duplicate?: boolean;
  /** how it was first acknowledged: 'self_declared' ones are left out of MTTA and counted in selfDeclared */
  readonly acknowledgedVia?: AcknowledgedVia | null;
}

export interface CountWithPrevious {
  readonly count: number;
  readonly previousCount: number;
}

export interface ResponseTimes {
  readonly mttaSeconds: DurationSummary;
  readonly mttrSeconds: DurationSummary;
  /** incidents resolved in the period whose declarer acknowledged them by declaring them (not in MTTA) */
  readonly selfDeclared: number;
}

export interface IncidentInsights {
  readonly from: string;
  readonly to: string;
  readonly byTeamAndType: Array<{ readonly team: string | null; readonly type: string | null } & CountWithPrevious>;
  readonly byTeam: Array<{ readonly team: string | null } & CountWithPrevious & ResponseTimes>;
  readonly byType: Array<{ readonly type: string | null } & CountWithPrevious & ResponseTimes>;
  readonly bySeverity: Array<{ readonly severity: Severity; readonly count: number }>;
  readonly bySource: Array<{ readonly source: IncidentSource; readonly count: number }>;
}

/**
 * Aggregates incidents into the insights response (DESIGN.md).
 * - An incident counts in the period in which it started (startedAt);
 *   previousCount uses the previous period of equal length.
 * - MTTA (detectedAt → first acknowledgement by a person) and MTTR (startedAt → resolvedAt) are
 *   taken over incidents resolved in the period, wherever they started.
 * - Self-declared incidents (acknowledged by declaring them) are left out of
 *   MTTA and counted in `selfDeclared` (over the same resolved incidents).
 * - Duplicates (resolved as a duplicate of another incident) count nowhere.
 * - Rows outside both periods are ignored, so the caller may pass a superset:
 *   it must include every incident started in [previous.from, to) or resolved
 *   in [from, to).
 * - bySeverity and bySource list every value (zeros included) in enum order;
 *   the other groupings list keys that have any data, busiest first.
 */
export function buildIncidentInsights(incidents: Iterable<InsightIncident>, period: Period): IncidentInsights {
  const previous = previousPeriod(period);
  const current: InsightIncident[] = [];
  const before: InsightIncident[] = [];
  const resolved: InsightIncident[] = [];
  for (const incident of incidents) {
    if (incident.duplicate) continue;
    if (isWithinPeriod(incident.clock.startedAt, period)) current.push(incident);
    else if (isWithinPeriod(incident.clock.startedAt, previous)) before.push(incident);
    if (isWithinPeriod(incident.clock.resolvedAt, period)) resolved.push(incident);
  }

  const teamAndType = groupCounts(current, before, (incident) => JSON.stringify([incident.team, incident.type]));
  const byTeamAndType = sortByCount(
    [...teamAndType].map(([key, counts]) => {
      const [team, type] = JSON.parse(key) as [string | null, string | null];
      return { team, type, ...counts };
    }),
    (row) => `${row.team ?? '\uffff'}\u0000${row.type ?? '\uffff'}`,
  );

  return {
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    byTeamAndType,
    byTeam: groupWithResponseTimes(current, before, resolved, (incident) => incident.team).map(({ key, ...rest }) => ({ team: key, ...rest })),
    byType: groupWithResponseTimes(current, before, resolved, (incident) => incident.type).map(({ key, ...rest }) => ({ type: key, ...rest })),
    bySeverity: SEVERITIES.map((severity) => ({ severity, count: current.filter((incident) => incident.severity === severity).length })),
    bySource: INCIDENT_SOURCES.map((source) => ({ source, count: current.filter((incident) => incident.source === source).length })),
  };
}

function groupCounts(
  current: readonly InsightIncident[],
  before: readonly InsightIncident[],
  keyOf: (incident: InsightIncident) => string,
): Map<string, { count: number; previousCount: number }> {
  const groups = new Map<string, { count: number; previousCount: number }>();
  const entry = (key: string) => {
    let found = groups.get(key);
    if (!found) groups.set(key, (found = { count: 0, previousCount: 0 }));
    return found;
  };
  for (const incident of current) entry(keyOf(incident)).count += 1;
  for (const incident of before) entry(keyOf(incident)).previousCount += 1;
  return groups;
}

function groupWithResponseTimes(
  current: readonly InsightIncident[],
  before: readonly InsightIncident[],
  resolved: readonly InsightIncident[],
  keyOf: (incident: InsightIncident) => string | null,
): Array<{ key: string | null } & CountWithPrevious & ResponseTimes> {
  const encode = (incident: InsightIncident) => JSON.stringify(keyOf(incident));
  const counts = groupCounts(current, before, encode);
  const durations = new Map<string, { ack: number[]; resolve: number[]; selfDeclared: number }>();
  for (const incident of resolved) {
    const key = encode(incident);
    if (!counts.has(key)) counts.set(key, { count: 0, previousCount: 0 });
    let found = durations.get(key);
    if (!found) durations.set(key, (found = { ack: [], resolve: [], selfDeclared: 0 }));
    const clock = { mitigatedAt: null, ...incident.clock };
    const ack = countsInMtta(incident.acknowledgedVia) ? timeToAcknowledgeSeconds(clock) : null;
    if (!countsInMtta(incident.acknowledgedVia) && clock.acknowledgedAt !== null) found.selfDeclared += 1;
    const resolve = timeToResolveSeconds(clock);
    if (ack !== null) found.ack.push(ack);
    if (resolve !== null) found.resolve.push(resolve);
  }
  const rows = [...counts].map(([key, count]) => ({
    key: JSON.parse(key) as string | null,
    ...count,
    mttaSeconds: summarizeDurations(durations.get(key)?.ack ?? []),
    mttrSeconds: summarizeDurations(durations.get(key)?.resolve ?? []),
    selfDeclared: durations.get(key)?.selfDeclared ?? 0,
  }));
  return sortByCount(rows, (row) => row.key ?? '\uffff');
}

/** Busiest first, then the previous period, then by key (nulls last) for a stable order. */
function sortByCount<T extends CountWithPrevious>(rows: T[], keyOf: (row: T) => string): T[] {
  return rows.sort((a, b) => b.count - a.count || b.previousCount - a.previousCount || (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}
