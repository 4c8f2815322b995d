import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { INCIDENT_SOURCES, SEVERITIES } from '../domain/incident-enums';
import { assertValidPeriod, CountWithPrevious, DurationSummary, IncidentInsights, Period, previousPeriod } from '../domain/incident-insights';
import { InsightsCountPlan, InsightsPeriodName, planInsightsCounts } from '../domain/incident-insights-plan';

interface CountRow {
  team: string;
  type: string;
  severity: string;
  source: string;
  period: InsightsPeriodName;
  incidents: string;
}

interface DurationRow {
  key: string;
  ack: number[] | null;
  resolve: number[] | null;
  self_declared: string | number;
}

const ROUND = (value: number | null): number | null => (value === null ? null : Math.round(Number(value)));

/** The id of the team with the slug in the given parameter (NULL for an unknown slug, which matches nothing). */
const TEAM_ID_OF = (parameter: string) => `(SELECT id FROM teams WHERE slug = ${parameter})`;

/**
 * GET /api/v1/insights/incidents computed in PostgreSQL from two tables the
 * triggers of migration IncidentInsightsRollup keep in step with incidents:
 * counts sum the rollup (incident_counts) over the whole UTC weeks and days of
 * both periods, plus the ragged ends counted from incident_insight_facts
 * (planInsightsCounts); MTTA/MTTR are exact percentile_cont over the same
 * facts, an index-only scan per team or type over resolved_at (the same linear
 * interpolation as the pure `percentile`, which the tests use as the oracle).
 * The statements run side by side on separate pool connections.
 */
@Injectable()
export class InsightsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * `viewerTeamId`: the team of the token asking. Other teams' private
   * incidents are then left out of every figure (admins: omit it, see all).
   */
  async incidentInsights(period: Period, filter: { team?: string; viewerTeamId?: string } = {}): Promise<IncidentInsights> {
    assertValidPeriod(period);
    const plan = planInsightsCounts(period);
    const [rollupCounts, raggedEndCounts, byTeamDurations, byTypeDurations, hiddenCounts] = await Promise.all([
      this.countWholeDays(plan, filter.team),
      this.countRaggedEnds(plan, filter.team),
      this.responseTimes(period, 'team_id', filter.team, filter.viewerTeamId),
      this.responseTimes(period, 'type', filter.team, filter.viewerTeamId),
      filter.viewerTeamId ? this.countHiddenPrivate(period, filter.team, filter.viewerTeamId) : Promise.resolve([]),
    ]);
    const counts = [...rollupCounts, ...raggedEndCounts, ...hiddenCounts];

    const sum = (keyOf: (row: CountRow) => string): Map<string, CountWithPrevious> => {
      const totals = new Map<string, { count: number; previousCount: number }>();
      for (const row of counts) {
        const key = keyOf(row);
        const entry = totals.get(key) ?? { count: 0, previousCount: 0 };
        if (row.period === 'current') entry.count += Number(row.incidents);
        else entry.previousCount += Number(row.incidents);
        totals.set(key, entry);
      }
      return totals;
    };
    const withDurations = (totals: Map<string, CountWithPrevious>, durations: Map<string, DurationRow>) => {
      for (const key of durations.keys()) if (!totals.has(key)) totals.set(key, { count: 0, previousCount: 0 });
      return sortByCount(
        [...totals]
          .filter(([key, count]) => count.count + count.previousCount > 0 || durations.has(key))
          .map(([key, count]) => {
            const duration = durations.get(key);
            const summary = (values: number[] | null | undefined): DurationSummary => ({ median: ROUND(values?.[0] ?? null), p90: ROUND(values?.[1] ?? null) });
            return {
              key,
              ...count,
              mttaSeconds: summary(duration?.ack),
              mttrSeconds: summary(duration?.resolve),
              selfDeclared: Number(duration?.self_declared ?? 0),
            };
          }),
      );
    };

    const teamAndType = sum((row) => JSON.stringify([row.team, row.type]));
    const severity = sum((row) => row.severity);
    const source = sum((row) => row.source);
    return {
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      byTeamAndType: sortByCount([...teamAndType].filter(([, count]) => count.count + count.previousCount > 0).map(([key, count]) => ({ key, ...count }))).map(
        ({ key, ...count }) => {
          const [team, type] = JSON.parse(key) as [string, string];
          return { team, type, ...count };
        },
      ),
      byTeam: withDurations(
        sum((row) => row.team),
        byTeamDurations,
      ).map(({ key, ...rest }) => ({ team: key, ...rest })),
      byType: withDurations(
        sum((row) => row.type),
        byTypeDurations,
      ).map(({ key, ...rest }) => ({ type: key, ...rest })),
      bySeverity: SEVERITIES.map((value) => ({ severity: value, count: severity.get(value)?.count ?? 0 })),
      bySource: INCIDENT_SOURCES.map((value) => ({ source: value, count: source.get(value)?.count ?? 0 })),
    };
  }

  /** Whole weeks and days from the rollup, joined to the bucket ranges (an index-only scan per range). */
  private async countWholeDays(plan: InsightsCountPlan, team: string | undefined): Promise<CountRow[]> {
    if (plan.rollupDays.length === 0) return [];
    const parameters: unknown[] = [
      plan.rollupDays.map((range) => range.bucketDays),
      plan.rollupDays.map((range) => range.fromDay),
      plan.rollupDays.map((range) => range.toDay),
      plan.rollupDays.map((range) => range.period),
    ];
    if (team) parameters.push(team);
    return this.dataSource.query(
      `SELECT t.slug AS team, counted.type, counted.severity, counted.source, counted.period, counted.incidents
         FROM (SELECT c.team_id, c.type, c.severity, c.source, r.period, sum(c.incidents) AS incidents
                 FROM unnest($1::smallint[], $2::date[], $3::date[], $4::text[]) AS r(bucket_days, from_day, to_day, period)
                 JOIN incident_counts c ON c.bucket_days = r.bucket_days AND c.bucket_start >= r.from_day AND c.bucket_start < r.to_day
                ${team ? `WHERE c.team_id = ${TEAM_ID_OF('$5')}` : ''}
                GROUP BY 1, 2, 3, 4, 5
               HAVING sum(c.incidents) <> 0) AS counted
         JOIN teams t ON t.id = counted.team_id`,
      parameters,
    );
  }

  /**
   * The parts of days at the ends of the periods, one index-only range scan
   * each. The ranges are written out rather than joined to an array so that
   * the planner sees how narrow each one is.
   */
  private async countRaggedEnds(plan: InsightsCountPlan, team: string | undefined): Promise<CountRow[]> {
    if (plan.rawRanges.length === 0) return [];
    const parameters: unknown[] = plan.rawRanges.flatMap((range) => [range.from, range.to, range.period]);
    if (team) parameters.push(team);
    const teamFilter = team ? `AND f.team_id = ${TEAM_ID_OF(`$${parameters.length}`)}` : '';
    const parts = plan.rawRanges.map(
      (_range, index) =>
        `SELECT f.team_id, f.type, f.severity, f.source, $${3 * index + 3}::text AS period FROM incident_insight_facts f
          WHERE f.started_at >= $${3 * index + 1} AND f.started_at < $${3 * index + 2} ${teamFilter}`,
    );
    return this.dataSource.query(
      `SELECT t.slug AS team, part.type, part.severity, part.source, part.period, count(*) AS incidents
         FROM (${parts.join(' UNION ALL ')}) AS part
         JOIN teams t ON t.id = part.team_id
        GROUP BY 1, 2, 3, 4, 5`,
      parameters,
    );
  }

  /**
   * Other teams' private incidents in both periods, as negative counts: the
   * rollup has no visibility, and private incidents are few, so they are
   * subtracted rather than the rollup being keyed by visibility.
   */
  private async countHiddenPrivate(period: Period, team: string | undefined, viewerTeamId: string): Promise<CountRow[]> {
    const previous = previousPeriod(period);
    const parameters: unknown[] = [previous.from, period.from, period.to, viewerTeamId];
    if (team) parameters.push(team);
    return this.dataSource.query(
      `SELECT t.slug AS team, i.type, i.severity, i.source,
              CASE WHEN i.started_at >= $2 THEN 'current' ELSE 'previous' END AS period, -count(*) AS incidents
         FROM incidents i JOIN teams t ON t.id = i.team_id
        WHERE i.visibility = 'private' AND i.team_id <> $4 AND i.started_at >= $1 AND i.started_at < $3
              ${team ? `AND i.team_id = ${TEAM_ID_OF('$5')}` : ''}
        GROUP BY 1, 2, 3, 4, 5`,
      parameters,
    );
  }

  /** MTTA and MTTR median and p90 per team slug or per type, over the incidents resolved in the period. */
  private async responseTimes(
    period: Period,
    keyColumn: 'team_id' | 'type',
    team: string | undefined,
    viewerTeamId?: string,
  ): Promise<Map<string, DurationRow>> {
    const parameters: unknown[] = team ? [period.from, period.to, team] : [period.from, period.to];
    if (viewerTeamId) parameters.push(viewerTeamId);
    const hidePrivate = viewerTeamId
      ? `AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = incident_insight_facts.incident_id AND i.visibility = 'private' AND i.team_id <> $${parameters.length})`
      : '';
    const rows: DurationRow[] = await this.dataSource.query(
      `SELECT ${keyColumn === 'team_id' ? 't.slug' : 'd.type'} AS key, d.ack, d.resolve, d.self_declared
         FROM (SELECT ${keyColumn},
                      percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY ack_seconds) FILTER (WHERE ack_seconds IS NOT NULL) AS ack,
                      percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY resolve_seconds) AS resolve,
                      count(*) FILTER (WHERE self_declared) AS self_declared
                 FROM incident_insight_facts
                WHERE resolved_at >= $1 AND resolved_at < $2 ${team ? `AND team_id = ${TEAM_ID_OF('$3')}` : ''} ${hidePrivate}
                GROUP BY ${keyColumn}) AS d
         ${keyColumn === 'team_id' ? 'JOIN teams t ON t.id = d.team_id' : ''}`,
      parameters,
    );
    return new Map(rows.map((row) => [row.key, row]));
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
