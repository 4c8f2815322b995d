import { MigrationInterface, QueryRunner } from 'typeorm';

const FACT_COLUMNS = 'deployment_id, team_id, service_id, finished_at, failed, rework, recovery_seconds, lead_seconds, private_links';

/**
 * The production deployments among `ids` (a set-returning SELECT of deployment ids) with their DORA
 * outcome, by the rules of the pure `deploymentOutcome` (as DeliveryInsightsService computed them per
 * request before): failed = not succeeded, or a non-duplicate incident names it; recovery = the last
 * resolvedAt of those incidents once all are resolved, else (not succeeded) the next succeeded
 * production deployment of its service; lead = commit → finish of a succeeded one; rework = it fixes
 * an incident. private_links: a private incident is among its links (a team token's view recomputes it).
 */
const outcomesOf = (ids: string) => `SELECT d.id, s.team_id, d.service_id, d.finished_at,
         d.status <> 'succeeded' OR c.incidents > 0,
         d.fixes_incident_id IS NOT NULL,
         CASE WHEN c.incidents > 0 THEN CASE WHEN c.incidents = c.resolved THEN incident_seconds_between(d.finished_at, c.last_resolved) END
              WHEN d.status <> 'succeeded' THEN incident_seconds_between(d.finished_at,
                (SELECT n.finished_at FROM deployments n
                  WHERE n.service_id = d.service_id AND n.environment = 'production' AND n.status = 'succeeded' AND n.finished_at > d.finished_at
                  ORDER BY n.finished_at LIMIT 1))
         END,
         CASE WHEN d.status = 'succeeded' AND d.commit_at IS NOT NULL THEN incident_seconds_between(d.commit_at, d.finished_at) END,
         c.private OR EXISTS (SELECT 1 FROM incidents fi WHERE fi.id = d.fixes_incident_id AND fi.visibility = 'private')
    FROM (${ids}) AS a(id)
    JOIN deployments d ON d.id = a.id AND d.environment = 'production'
    JOIN services s ON s.id = d.service_id
   CROSS JOIN LATERAL (SELECT count(*) AS incidents, count(i.resolved_at) AS resolved, max(i.resolved_at) AS last_resolved,
                              coalesce(bool_or(i.visibility = 'private'), false) AS private
                         FROM incidents i WHERE i.caused_by_deployment_id = d.id AND i.duplicate_of_id IS NULL) c`;

/**
 * Failed production deployments whose "next succeeded deployment" may be the succeeded production
 * deployment (service_id, finished_at) of `rows`: those of the service from the last succeeded one
 * before it (included: the next must be strictly later) up to it.
 */
const failedBefore = (rows: string) => `SELECT f.id
    FROM ${rows} r
   CROSS JOIN LATERAL (SELECT max(p.finished_at) AS since FROM deployments p
                        WHERE p.service_id = r.service_id AND p.environment = 'production' AND p.status = 'succeeded' AND p.finished_at < r.finished_at) p
   CROSS JOIN LATERAL (SELECT f.id FROM deployments f
                        WHERE f.service_id = r.service_id AND f.environment = 'production' AND f.status <> 'succeeded'
                          AND f.finished_at < r.finished_at AND f.finished_at >= coalesce(p.since, '-infinity'::timestamptz)
                       OFFSET 0) f
   WHERE r.environment = 'production' AND r.status = 'succeeded'`;
// OFFSET 0 keeps the lateral subquery a per-row index range scan: pulled up into a join, a bulk statement's
// rows were hash-joined on service_id and range-filtered, quadratic in the rows per service (158 s for 100,000).

const DEPLOYMENT_COLUMNS = 'service_id, environment, status, finished_at, commit_at, fixes_incident_id';
const INCIDENT_COLUMNS = 'caused_by_deployment_id, duplicate_of_id, resolved_at, visibility';

/**
 * Delivery insights (issue 24) read a rollup instead of every deployment of both periods:
 * deployment_insight_facts holds one narrow row per production deployment with its outcome computed
 * once (failed, rework, recovery and lead seconds). Percentiles and counts are then index-only range
 * scans per team or per service over finished_at, each group arriving in index order.
 *
 * An outcome depends on other rows, so the statement-level triggers recompute (deployment_insights_refresh)
 * every deployment a change can move, in the writer's transaction:
 * - deployments: the changed rows, and for a succeeded production deployment added, moved or removed,
 *   the failed deployments of its service whose next succeeded deployment it is or was;
 * - incidents: the deployments named by causedByDeploymentId before and after (a link made or removed
 *   later, resolved, marked duplicate, made private), and those fixing an incident whose visibility changed;
 * - services: a service moved to another team moves its facts.
 * Deleting a deployment or an incident reaches the other side through the foreign keys' ON DELETE SET NULL,
 * which are updates with their own triggers.
 */
export class DeliveryInsightsRollup1795950000000 implements MigrationInterface {
  name = 'DeliveryInsightsRollup1795950000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`SET LOCAL statement_timeout = 0`);
    await queryRunner.query(
      `CREATE TABLE "deployment_insight_facts" ("deployment_id" uuid NOT NULL, "team_id" uuid NOT NULL, "service_id" uuid NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE NOT NULL, "failed" boolean NOT NULL, "rework" boolean NOT NULL, "recovery_seconds" double precision, "lead_seconds" double precision, "private_links" boolean NOT NULL, CONSTRAINT "PK_deployment_insight_facts" PRIMARY KEY ("deployment_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_deployment_insight_facts_team_finished" ON "deployment_insight_facts" ("team_id", "finished_at") INCLUDE ("failed", "rework", "recovery_seconds", "lead_seconds", "private_links")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_deployment_insight_facts_service_finished" ON "deployment_insight_facts" ("service_id", "finished_at") INCLUDE ("team_id", "failed", "rework", "recovery_seconds", "lead_seconds", "private_links")`,
    );

    // failedBefore's range: the failed production deployments of a service by time (a small partial index whose
    // shape no statistics can make the planner pass over for a scan of every service's deployments).
    await queryRunner.query(
      `CREATE INDEX "IDX_deployments_failed_production" ON "deployments" ("service_id", "finished_at") WHERE "environment" = 'production' AND "status" <> 'succeeded'`,
    );
    await queryRunner.query(`CREATE FUNCTION "deployment_insights_refresh"("ids" uuid[]) RETURNS void LANGUAGE sql AS $$
  DELETE FROM deployment_insight_facts f
   WHERE f.deployment_id = ANY (ids)
     AND NOT EXISTS (SELECT 1 FROM deployments d WHERE d.id = f.deployment_id AND d.environment = 'production');
  INSERT INTO deployment_insight_facts AS f (${FACT_COLUMNS})
  ${outcomesOf('SELECT DISTINCT unnest(ids)')}
  ON CONFLICT (deployment_id) DO UPDATE SET team_id = EXCLUDED.team_id, service_id = EXCLUDED.service_id, finished_at = EXCLUDED.finished_at,
     failed = EXCLUDED.failed, rework = EXCLUDED.rework, recovery_seconds = EXCLUDED.recovery_seconds, lead_seconds = EXCLUDED.lead_seconds,
     private_links = EXCLUDED.private_links
   WHERE (f.team_id, f.service_id, f.finished_at, f.failed, f.rework, f.recovery_seconds, f.lead_seconds, f.private_links)
         IS DISTINCT FROM (EXCLUDED.team_id, EXCLUDED.service_id, EXCLUDED.finished_at, EXCLUDED.failed, EXCLUDED.rework, EXCLUDED.recovery_seconds, EXCLUDED.lead_seconds, EXCLUDED.private_links);
$$`);

    await queryRunner.query(`CREATE FUNCTION "deployment_insights_after_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM deployment_insights_refresh(ARRAY(SELECT id FROM new_rows UNION ${failedBefore('new_rows')}));
  RETURN NULL;
END $$`);
    // Rows whose outcome inputs changed, before and after (a move of service, environment, status or time).
    const changed = (side: 'o' | 'n') => `SELECT ${side}.id, ${side}.service_id, ${side}.environment, ${side}.status, ${side}.finished_at
      FROM old_rows o JOIN new_rows n ON n.id = o.id
     WHERE (${DEPLOYMENT_COLUMNS.split(', ')
       .map((column) => `o.${column}`)
       .join(', ')}) IS DISTINCT FROM (${DEPLOYMENT_COLUMNS.split(', ')
       .map((column) => `n.${column}`)
       .join(', ')})`;
    await queryRunner.query(`CREATE FUNCTION "deployment_insights_after_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM deployment_insights_refresh(ARRAY(
    SELECT id FROM (${changed('o')} UNION ALL ${changed('n')}) AS m
    UNION ${failedBefore(`(${changed('o')} UNION ALL ${changed('n')})`)}));
  RETURN NULL;
END $$`);
    await queryRunner.query(`CREATE FUNCTION "deployment_insights_after_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM deployment_insights_refresh(ARRAY(SELECT id FROM old_rows UNION ${failedBefore('old_rows')}));
  RETURN NULL;
END $$`);
    await queryRunner.query(`CREATE FUNCTION "deployment_insights_after_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE deployment_insight_facts;
  RETURN NULL;
END $$`);
    await queryRunner.query(`CREATE FUNCTION "deployment_insights_after_incident_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM deployment_insights_refresh(ARRAY(SELECT caused_by_deployment_id FROM new_rows WHERE caused_by_deployment_id IS NOT NULL));
  RETURN NULL;
END $$`);
    await queryRunner.query(`CREATE FUNCTION "deployment_insights_after_incident_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM deployment_insights_refresh(ARRAY(
    SELECT unnest(ARRAY[o.caused_by_deployment_id, n.caused_by_deployment_id])
      FROM old_rows o JOIN new_rows n ON n.id = o.id
     WHERE (${INCIDENT_COLUMNS.split(', ')
       .map((column) => `o.${column}`)
       .join(', ')}) IS DISTINCT FROM (${INCIDENT_COLUMNS.split(', ')
       .map((column) => `n.${column}`)
       .join(', ')})
    UNION
    SELECT d.id FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN deployments d ON d.fixes_incident_id = n.id
     WHERE o.visibility IS DISTINCT FROM n.visibility));
  RETURN NULL;
END $$`);
    await queryRunner.query(`CREATE FUNCTION "deployment_insights_after_incident_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM deployment_insights_refresh(ARRAY(SELECT caused_by_deployment_id FROM old_rows WHERE caused_by_deployment_id IS NOT NULL));
  RETURN NULL;
END $$`);
    await queryRunner.query(`CREATE FUNCTION "deployment_insights_after_service_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE deployment_insight_facts f SET team_id = n.team_id
    FROM new_rows n JOIN old_rows o ON o.id = n.id
   WHERE n.team_id IS DISTINCT FROM o.team_id AND f.service_id = n.id;
  RETURN NULL;
END $$`);

    // No writer may slip between the triggers' creation and the backfill.
    await queryRunner.query(`LOCK TABLE "deployments", "incidents", "services" IN SHARE ROW EXCLUSIVE MODE`);
    const trigger = (name: string, event: string, table: string, transition: string, fn: string) =>
      queryRunner.query(`CREATE TRIGGER "${name}" AFTER ${event} ON "${table}" ${transition} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
    await trigger('deployment_insights_insert', 'INSERT', 'deployments', 'REFERENCING NEW TABLE AS new_rows', 'deployment_insights_after_insert');
    await trigger(
      'deployment_insights_update',
      'UPDATE',
      'deployments',
      'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows',
      'deployment_insights_after_update',
    );
    await trigger('deployment_insights_delete', 'DELETE', 'deployments', 'REFERENCING OLD TABLE AS old_rows', 'deployment_insights_after_delete');
    await trigger('deployment_insights_truncate', 'TRUNCATE', 'deployments', '', 'deployment_insights_after_truncate');
    await trigger(
      'deployment_insights_incident_insert',
      'INSERT',
      'incidents',
      'REFERENCING NEW TABLE AS new_rows',
      'deployment_insights_after_incident_insert',
    );
    await trigger(
      'deployment_insights_incident_update',
      'UPDATE',
      'incidents',
      'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows',
      'deployment_insights_after_incident_update',
    );
    await trigger(
      'deployment_insights_incident_delete',
      'DELETE',
      'incidents',
      'REFERENCING OLD TABLE AS old_rows',
      'deployment_insights_after_incident_delete',
    );
    await trigger(
      'deployment_insights_service_update',
      'UPDATE',
      'services',
      'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows',
      'deployment_insights_after_service_update',
    );

    await queryRunner.query(
      `INSERT INTO deployment_insight_facts (${FACT_COLUMNS}) ${outcomesOf(`SELECT id FROM deployments WHERE environment = 'production'`)}`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "deployment_insights_service_update" ON "services"`);
    await queryRunner.query(`DROP TRIGGER "deployment_insights_incident_delete" ON "incidents"`);
    await queryRunner.query(`DROP TRIGGER "deployment_insights_incident_update" ON "incidents"`);
    await queryRunner.query(`DROP TRIGGER "deployment_insights_incident_insert" ON "incidents"`);
    await queryRunner.query(`DROP TRIGGER "deployment_insights_truncate" ON "deployments"`);
    await queryRunner.query(`DROP TRIGGER "deployment_insights_delete" ON "deployments"`);
    await queryRunner.query(`DROP TRIGGER "deployment_insights_update" ON "deployments"`);
    await queryRunner.query(`DROP TRIGGER "deployment_insights_insert" ON "deployments"`);
    for (const fn of [
      'deployment_insights_after_service_update',
      'deployment_insights_after_incident_delete',
      'deployment_insights_after_incident_update',
      'deployment_insights_after_incident_insert',
      'deployment_insights_after_truncate',
      'deployment_insights_after_delete',
      'deployment_insights_after_update',
      'deployment_insights_after_insert',
    ])
      await queryRunner.query(`DROP FUNCTION "${fn}"()`);
    await queryRunner.query(`DROP FUNCTION "deployment_insights_refresh"(uuid[])`);
    await queryRunner.query(`DROP TABLE "deployment_insight_facts"`);
    await queryRunner.query(`DROP INDEX "IDX_deployments_failed_production"`);
  }
}
