import { DataSource } from 'typeorm';
import { assertValidPeriod, DeliveryFigures, DeliveryInsights, Period, previousPeriod, PRODUCTION_ENVIRONMENT } from '@app/incidents';

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

// The reference for the insights benchmark (issue 24): delivery insights as computed per request from the
// raw deployments and incidents before the rollup (the statements of 2e5ca6d), timed next to the rollup
// and checked equal to it on the benchmark's 1,000,000 deployments.
/**
 * GET /api/v1/insights/delivery: each production deployment
 * finished in the period or the one before gets its outcome (failed, recovery,
 * lead time, rework: the same rules as the pure `deploymentOutcome`), then
 * counts and exact percentile_cont per team and per service (two statements side by side).
 * Rates are divided here from the counts, so they equal the pure
 * `buildDeliveryInsights` to the last bit (the e2e test checks it).
 */
export class RawDeliveryInsights {
  constructor(private readonly dataSource: DataSource) {}

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
    // Two statements side by side on separate pool connections (one GROUPING SETS statement re-sorts the
    // input for each set, and runs on one core): per team, and per team and service. Grouped by ids
    // (a uuid sort, not a collation-aware text sort), slugs joined to the few result rows. A team filter
    // narrows the scan to its services' index ranges.
    const statement = (perService: boolean) => `WITH d AS (
         SELECT d.id, d.service_id, s.team_id, d.status, d.finished_at, d.commit_at, d.fixes_incident_id, d.finished_at >= $3 AS current
           FROM deployments d JOIN services s ON s.id = d.service_id
          WHERE d.environment = $4 AND d.finished_at >= $1 AND d.finished_at < $2
            ${filter.team ? 'AND d.service_id IN (SELECT ts.id FROM services ts JOIN teams tt ON tt.id = ts.team_id WHERE tt.slug = $5)' : ''}
       ), caused AS (
         SELECT i.caused_by_deployment_id AS deployment_id, count(*) AS incidents, count(i.resolved_at) AS resolved, max(i.resolved_at) AS last_resolved
           FROM incidents i
          WHERE i.caused_by_deployment_id IS NOT NULL AND i.duplicate_of_id IS NULL ${visible('i')}
          GROUP BY 1
       ), o AS (
         SELECT d.team_id, d.service_id, d.current,
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
       ), g AS (
         SELECT team_id, ${perService ? 'service_id' : 'NULL::uuid AS service_id'}, current, count(*) AS deployments, count(*) FILTER (WHERE failed) AS failed, count(*) FILTER (WHERE rework) AS rework,
                percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY recovery) AS recovery,
                percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY lead) AS lead
           FROM o
          GROUP BY team_id, ${perService ? 'service_id, ' : ''}current
       )
       SELECT t.slug AS team, ${perService ? 's.slug' : 'NULL::text'} AS service, CASE WHEN g.current THEN 'current' ELSE 'previous' END AS period,
              g.deployments, g.failed, g.rework, g.recovery, g.lead
         FROM g JOIN teams t ON t.id = g.team_id ${perService ? 'JOIN services s ON s.id = g.service_id' : ''}`;
    // The per-group sorts of a long period exceed the default 4 MB of work_mem and spill to disk; this statement may use more.
    const run = (perService: boolean) =>
      this.dataSource.transaction(async (manager) => {
        await manager.query(`SET LOCAL work_mem = '64MB'`);
        return (await manager.query(statement(perService), parameters)) as GroupRow[];
      });
    const [byTeam, byService] = await Promise.all([run(false), run(true)]);
    const rows = [...byTeam, ...byService];
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
