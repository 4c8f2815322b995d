import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DeliveryFigures, DeliveryInsights, PRODUCTION_ENVIRONMENT } from '../domain/delivery-insights';
import { assertValidPeriod, Period, previousPeriod } from '../domain/incident-insights';

interface GroupRow {
  team: string;
  service: string | null;
  period: 'current' | 'previous';
  deployments: string;
  failed: string;
  rework: string;
  recovery: number[] | null;
  lead: number[] | null;
}

const DAY_MS = 86_400_000;
const ROUND = (value: number | null | undefined): number | null => (value === null || value === undefined ? null : Math.round(Number(value)));

/**
 * GET /api/v1/insights/delivery in one statement: each production deployment
 * finished in the period or the one before gets its outcome (failed, recovery,
 * lead time, rework: the same rules as the pure `deploymentOutcome`), then
 * counts and exact percentile_cont per team and per service (GROUPING SETS).
 * Rates are divided here from the counts, so they equal the pure
 * `buildDeliveryInsights` to the last bit (the e2e test checks it).
 */
@Injectable()
export class DeliveryInsightsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * `viewerTeamId`: the team of the token asking. Other teams' private
   * incidents do not exist for it: they neither fail a deployment nor make
   * one rework (issue 18: insights count private incidents for their own team
   * and admins only).
   */
  async deliveryInsights(period: Period, filter: { team?: string; viewerTeamId?: string } = {}): Promise<DeliveryInsights> {
    assertValidPeriod(period);
    const previous = previousPeriod(period);
    const parameters: unknown[] = [previous.from, period.to, period.from, PRODUCTION_ENVIRONMENT];
    if (filter.team) parameters.push(filter.team);
    if (filter.viewerTeamId) parameters.push(filter.viewerTeamId);
    const viewer = filter.viewerTeamId ? `$${parameters.length}::uuid` : null;
    const visible = (alias: string) => (viewer ? `AND (${alias}.visibility <> 'private' OR ${alias}.team_id = ${viewer})` : '');
    const rows: GroupRow[] = await this.dataSource.query(
      `WITH d AS (
         SELECT d.id, d.service_id, d.status, d.finished_at, d.commit_at, d.fixes_incident_id, s.slug AS service, t.slug AS team,
                CASE WHEN d.finished_at >= $3 THEN 'current' ELSE 'previous' END AS period
           FROM deployments d JOIN services s ON s.id = d.service_id JOIN teams t ON t.id = s.team_id
          WHERE d.environment = $4 AND d.finished_at >= $1 AND d.finished_at < $2 ${filter.team ? 'AND t.slug = $5' : ''}
       ), caused AS (
         SELECT i.caused_by_deployment_id AS deployment_id, count(*) AS incidents, count(i.resolved_at) AS resolved, max(i.resolved_at) AS last_resolved
           FROM incidents i
          WHERE i.caused_by_deployment_id IS NOT NULL AND i.duplicate_of_id IS NULL ${visible('i')}
          GROUP BY 1
       ), o AS (
         SELECT d.team, d.service, d.period,
                (d.status <> 'succeeded' OR c.incidents IS NOT NULL) AS failed,
                ${viewer ? `EXISTS (SELECT 1 FROM incidents fi WHERE fi.id = d.fixes_incident_id ${visible('fi')})` : 'd.fixes_incident_id IS NOT NULL'} AS rework,
                CASE WHEN c.incidents IS NOT NULL THEN CASE WHEN c.incidents = c.resolved THEN incident_seconds_between(d.finished_at, c.last_resolved) END
                     WHEN d.status <> 'succeeded' THEN incident_seconds_between(d.finished_at,
                       (SELECT n.finished_at FROM deployments n
                         WHERE n.service_id = d.service_id AND n.environment = $4 AND n.status = 'succeeded' AND n.finished_at > d.finished_at
                         ORDER BY n.finished_at LIMIT 1))
                END AS recovery,
                CASE WHEN d.status = 'succeeded' AND d.commit_at IS NOT NULL THEN incident_seconds_between(d.commit_at, d.finished_at) END AS lead
           FROM d LEFT JOIN caused c ON c.deployment_id = d.id
       )
       SELECT team, service, period, count(*) AS deployments, count(*) FILTER (WHERE failed) AS failed, count(*) FILTER (WHERE rework) AS rework,
              percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY recovery) AS recovery,
              percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY lead) AS lead
         FROM o
        GROUP BY GROUPING SETS ((team, period), (team, service, period))`,
      parameters,
    );
    const length = period.to.getTime() - period.from.getTime();
    const figures = (row: GroupRow | undefined): DeliveryFigures => {
      const deployments = Number(row?.deployments ?? 0);
      return {
        deployments,
        deploymentsPerDay: deployments / (length / DAY_MS),
        changeFailureRate: deployments === 0 ? null : Number(row?.failed ?? 0) / deployments,
        failedDeploymentRecoveryTimeSeconds: { median: ROUND(row?.recovery?.[0]), p90: ROUND(row?.recovery?.[1]) },
        leadTimeForChangesSeconds: { median: ROUND(row?.lead?.[0]), p90: ROUND(row?.lead?.[1]) },
        deploymentReworkRate: deployments === 0 ? null : Number(row?.rework ?? 0) / deployments,
      };
    };
    const groups = new Map<string, { team: string; service: string | null; current?: GroupRow; previous?: GroupRow }>();
    for (const row of rows) {
      const key = JSON.stringify([row.team, row.service]);
      const group = groups.get(key) ?? { team: row.team, service: row.service };
      group[row.period] = row;
      groups.set(key, group);
    }
    const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const all = [...groups.values()].sort((a, b) => byKey(a.team, b.team) || byKey(a.service ?? '', b.service ?? ''));
    return {
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      byTeam: all.filter((group) => group.service === null).map((group) => ({ team: group.team, ...figures(group.current), previous: figures(group.previous) })),
      byService: all
        .filter((group) => group.service !== null)
        .map((group) => ({ team: group.team, service: group.service as string, ...figures(group.current), previous: figures(group.previous) })),
    };
  }
}
