import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { INCIDENT_SOURCES, SEVERITIES } from '../domain/incident-enums';
import { assertValidPeriod, CountWithPrevious, DurationSummary, IncidentInsights, Period, previousPeriod } from '../domain/incident-insights';

interface CountRow {
  team: string;
  type: string;
  severity: string;
  source: string;
  current: string;
  previous: string;
}

interface DurationRow {
  key: string;
  ack_median: number | null;
  ack_p90: number | null;
  resolve_median: number | null;
  resolve_p90: number | null;
}

const ROUND = (value: number | null): number | null => (value === null ? null : Math.round(Number(value)));

/**
 * GET /api/v1/insights/incidents computed in PostgreSQL: counts come from one
 * index range scan over started_at (current + previous period), response
 * times from one over resolved_at, with percentile_cont (the same linear
 * interpolation as the pure `percentile`, which the tests use as the oracle).
 */
@Injectable()
export class InsightsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async incidentInsights(period: Period, filter: { team?: string } = {}): Promise<IncidentInsights> {
    assertValidPeriod(period);
    const previous = previousPeriod(period);
    const teamFilter = filter.team ? 'AND t.slug = $4' : '';
    const parameters: unknown[] = [previous.from, period.from, period.to];
    if (filter.team) parameters.push(filter.team);

    const counts: CountRow[] = await this.dataSource.query(
      `SELECT t.slug AS team, i.type, i.severity, i.source,
              count(*) FILTER (WHERE i.started_at >= $2) AS current,
              count(*) FILTER (WHERE i.started_at < $2) AS previous
         FROM incidents i JOIN teams t ON t.id = i.team_id
        WHERE i.started_at >= $1 AND i.started_at < $3 ${teamFilter}
        GROUP BY t.slug, i.type, i.severity, i.source`,
      parameters,
    );

    const durationsBy = async (keyColumn: 't.slug' | 'i.type'): Promise<Map<string, DurationRow>> => {
      const rows: DurationRow[] = await this.dataSource.query(
        `SELECT ${keyColumn} AS key,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(0, extract(epoch FROM i.acknowledged_at - i.detected_at))) FILTER (WHERE i.acknowledged_at IS NOT NULL) AS ack_median,
                percentile_cont(0.9) WITHIN GROUP (ORDER BY greatest(0, extract(epoch FROM i.acknowledged_at - i.detected_at))) FILTER (WHERE i.acknowledged_at IS NOT NULL) AS ack_p90,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(0, extract(epoch FROM i.resolved_at - i.started_at))) AS resolve_median,
                percentile_cont(0.9) WITHIN GROUP (ORDER BY greatest(0, extract(epoch FROM i.resolved_at - i.started_at))) AS resolve_p90
           FROM incidents i JOIN teams t ON t.id = i.team_id
          WHERE i.resolved_at >= $1 AND i.resolved_at < $2 ${filter.team ? 'AND t.slug = $3' : ''}
          GROUP BY ${keyColumn}`,
        filter.team ? [period.from, period.to, filter.team] : [period.from, period.to],
      );
      return new Map(rows.map((row) => [row.key, row]));
    };
    const [byTeamDurations, byTypeDurations] = await Promise.all([durationsBy('t.slug'), durationsBy('i.type')]);

    const sum = (keyOf: (row: CountRow) => string): Map<string, CountWithPrevious> => {
      const totals = new Map<string, { count: number; previousCount: number }>();
      for (const row of counts) {
        const key = keyOf(row);
        const entry = totals.get(key) ?? { count: 0, previousCount: 0 };
        entry.count += Number(row.current);
        entry.previousCount += Number(row.previous);
        totals.set(key, entry);
      }
      return totals;
    };
    const withDurations = (totals: Map<string, CountWithPrevious>, durations: Map<string, DurationRow>) => {
      for (const key of durations.keys()) if (!totals.has(key)) totals.set(key, { count: 0, previousCount: 0 });
      return sortByCount(
        [...totals].map(([key, count]) => {
          const duration = durations.get(key);
          const summary = (median: number | null | undefined, p90: number | null | undefined): DurationSummary => ({ median: ROUND(median ?? null), p90: ROUND(p90 ?? null) });
          return { key, ...count, mttaSeconds: summary(duration?.ack_median, duration?.ack_p90), mttrSeconds: summary(duration?.resolve_median, duration?.resolve_p90) };
        }),
      );
    };

    const teamAndType = sum((row) => JSON.stringify([row.team, row.type]));
    const severity = sum((row) => row.severity);
    const source = sum((row) => row.source);
    return {
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      byTeamAndType: sortByCount([...teamAndType].map(([key, count]) => ({ key, ...count }))).map(({ key, ...count }) => {
        const [team, type] = JSON.parse(key) as [string, string];
        return { team, type, ...count };
      }),
      byTeam: withDurations(sum((row) => row.team), byTeamDurations).map(({ key, ...rest }) => ({ team: key, ...rest })),
      byType: withDurations(sum((row) => row.type), byTypeDurations).map(({ key, ...rest }) => ({ type: key, ...rest })),
      bySeverity: SEVERITIES.map((value) => ({ severity: value, count: severity.get(value)?.count ?? 0 })),
      bySource: INCIDENT_SOURCES.map((value) => ({ source: value, count: source.get(value)?.count ?? 0 })),
    };
  }
}

/** Busiest first, then the previous period, then by key: the same order as the pure aggregation. */
function sortByCount<T extends CountWithPrevious & { key: string }>(rows: T[]): T[] {
  const keyOf = (row: T): string => {
    // byTeamAndType keys are JSON pairs; order them as "team\0type" like the pure implementation.
    if (row.key.startsWith('[')) {
      const [team, type] = JSON.parse(row.key) as [string, string];
      return `${team}\u0000${type}`;
    }
    return row.key;
  };
  return rows.sort((a, b) => b.count - a.count || b.previousCount - a.previousCount || (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}
