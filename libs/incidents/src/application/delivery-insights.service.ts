import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DeliveryFigures, DeliveryInsights } from '../domain/delivery-insights';
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
 * GET /api/v1/insights/delivery from the rollup deployment_insight_facts
 * (migration DeliveryInsightsRollup): one row per production deployment with
 * its outcome (failed, recovery, lead time, rework: the rules of the pure
 * `deploymentOutcome`) kept by triggers in the writer's transaction. Counts
 * and exact percentile_cont per team and per service, each period apart, are
 * index-only range scans whose groups arrive in index order (four statements
 * side by side). Rates are divided here from the counts, so they equal the
 * pure `buildDeliveryInsights` to the last bit (production deployments only, as
 * PRODUCTION_ENVIRONMENT) (the e2e test checks it).
 */
@Injectable()
export class DeliveryInsightsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * `viewerTeamId`: the team of the token asking. Other teams' private
   * incidents do not exist for it: they neither fail a deployment nor make
   * one rework (issue 18: insights count private incidents for their own team
   * and admins only). Deployments with a private incident among their links
   * (rare; flagged in the rollup) are then recomputed from the raw rows.
   */
  async deliveryInsights(period: Period, filter: { team?: string; viewerTeamId?: string } = {}): Promise<DeliveryInsights> {
    assertValidPeriod(period);
    const previous = previousPeriod(period);
    const run = async (perService: boolean, range: Period, label: GroupRow['period']): Promise<GroupRow[]> => {
      const parameters: unknown[] = [range.from, range.to];
      if (filter.team) parameters.push(filter.team);
      const team = filter.team ? `AND f.team_id = (SELECT tt.id FROM teams tt WHERE tt.slug = $${parameters.length})` : '';
      if (filter.viewerTeamId) parameters.push(filter.viewerTeamId);
      const source = filter.viewerTeamId ? viewerFacts(`$${parameters.length}::uuid`) : 'deployment_insight_facts';
      const key = perService ? 'service_id' : 'team_id';
      const rows: Array<Omit<GroupRow, 'period'>> = await this.dataSource.query(
        `SELECT t.slug AS team, ${perService ? 's.slug' : 'NULL::text'} AS service, g.deployments, g.failed, g.rework, g.recovery, g.lead
           FROM (SELECT f.${key}, count(*) AS deployments, count(*) FILTER (WHERE f.failed) AS failed, count(*) FILTER (WHERE f.rework) AS rework,
                        percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY f.recovery_seconds) AS recovery,
                        percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY f.lead_seconds) AS lead
                   FROM ${source} f
                  WHERE f.finished_at >= $1 AND f.finished_at < $2 ${team}
                  GROUP BY f.${key}) AS g
           ${perService ? 'JOIN services s ON s.id = g.service_id JOIN teams t ON t.id = s.team_id' : 'JOIN teams t ON t.id = g.team_id'}`,
        parameters,
      );
      return rows.map((row) => ({ ...row, period: label }));
    };
    const results = await Promise.all([
      run(false, period, 'current'),
      run(false, previous, 'previous'),
      run(true, period, 'current'),
      run(true, previous, 'previous'),
    ]);
    const rows = results.flat();
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
      byTeam: all
        .filter((group) => group.service === null)
        .map((group) => ({ team: group.team, ...figures(group.current), previous: figures(group.previous) })),
      byService: all
        .filter((group) => group.service !== null)
        .map((group) => ({ team: group.team, service: group.service as string, ...figures(group.current), previous: figures(group.previous) })),
    };
  }
}

/**
 * The rollup as a team token sees it: rows with a private incident among their
 * links are recomputed from deployments and incidents, leaving out other
 * teams' private incidents (same rules as the rollup's triggers).
 */
function viewerFacts(viewer: string): string {
  const visible = (alias: string) => `(${alias}.visibility <> 'private' OR ${alias}.team_id = ${viewer})`;
  return `(SELECT team_id, service_id, finished_at, failed, rework, recovery_seconds, lead_seconds FROM deployment_insight_facts WHERE NOT private_links
     UNION ALL
     SELECT p.team_id, p.service_id, p.finished_at, d.status <> 'succeeded' OR c.incidents > 0,
            EXISTS (SELECT 1 FROM incidents fi WHERE fi.id = d.fixes_incident_id AND ${visible('fi')}),
            CASE WHEN c.incidents > 0 THEN CASE WHEN c.incidents = c.resolved THEN incident_seconds_between(d.finished_at, c.last_resolved) END
                 WHEN d.status <> 'succeeded' THEN incident_seconds_between(d.finished_at,
                   (SELECT n.finished_at FROM deployments n
                     WHERE n.service_id = d.service_id AND n.environment = d.environment AND n.status = 'succeeded' AND n.finished_at > d.finished_at
                     ORDER BY n.finished_at LIMIT 1))
            END,
            p.lead_seconds
       FROM deployment_insight_facts p
       JOIN deployments d ON d.id = p.deployment_id
      CROSS JOIN LATERAL (SELECT count(*) AS incidents, count(i.resolved_at) AS resolved, max(i.resolved_at) AS last_resolved
                            FROM incidents i WHERE i.caused_by_deployment_id = d.id AND i.duplicate_of_id IS NULL AND ${visible('i')}) c
      WHERE p.private_links)`;
}
