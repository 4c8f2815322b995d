import { MigrationInterface, QueryRunner } from 'typeorm';

/** Adds each move (+1 or -1 per incident) to the day and ISO-week buckets of its started_at (as in IncidentInsightsRollup). */
const applyMoves = (moves: string) => `INSERT INTO incident_counts AS c (bucket_days, team_id, bucket_start, type, severity, source, incidents)
  SELECT b.bucket_days, m.team_id, b.bucket_start, m.type, m.severity, m.source, sum(m.change)
    FROM (${moves}) AS m(team_id, started_at, type, severity, source, change)
   CROSS JOIN LATERAL (VALUES (1::smallint, (m.started_at AT TIME ZONE 'UTC')::date),
                              (7::smallint, date_trunc('week', m.started_at AT TIME ZONE 'UTC')::date)) AS b(bucket_days, bucket_start)
   GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(m.change) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (bucket_days, team_id, bucket_start, type, severity, source) DO UPDATE SET incidents = c.incidents + EXCLUDED.incidents`;
const MOVE_COLUMNS = 'team_id, started_at, type, severity, source';
const FACT_COLUMNS = 'incident_id, team_id, type, severity, source, started_at, resolved_at, ack_seconds, resolve_seconds';
const factsOf = (rows: string) =>
  `${rows}.id, ${rows}.team_id, ${rows}.type, ${rows}.severity, ${rows}.source, ${rows}.started_at, ${rows}.resolved_at,
   incident_seconds_between(${rows}.detected_at, ${rows}.acknowledged_at), incident_seconds_between(${rows}.started_at, ${rows}.resolved_at)`;

/**
 * Incident history and delivery (issue 24):
 * - incidents gain external_id (import idempotency, unique per team),
 *   announce (false: stored without Slack, paging or notifications),
 *   duplicate_of_id (resolved as a duplicate of another incident) and
 *   caused_by_deployment_id (the deployment that caused it);
 * - deployments: one row per deployment of a service (DORA figures);
 * - the insights rollup triggers of IncidentInsightsRollup are replaced by
 *   ones that leave duplicates out: a duplicate counts nowhere (neither in
 *   incident_counts nor in incident_insight_facts), and marking or unmarking
 *   an incident as a duplicate moves it out of or back into both, in the
 *   writer's transaction like every other change.
 */
export class DeliveryAndHistory1795760000000 implements MigrationInterface {
  name = 'DeliveryAndHistory1795760000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "deployments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "service_id" uuid NOT NULL, "environment" character varying(63) NOT NULL, "version" character varying(200) NOT NULL, "status" character varying(16) NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE NOT NULL, "commit_at" TIMESTAMP WITH TIME ZONE, "url" character varying(2000), "fixes_incident_id" uuid, "idempotency_key" character varying(300), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_deployments_idempotency_key" UNIQUE ("idempotency_key"), CONSTRAINT "CHK_deployments_status" CHECK ("status" IN ('succeeded', 'failed', 'rolled_back')), CONSTRAINT "CHK_deployments_finished" CHECK ("finished_at" >= "started_at"), CONSTRAINT "PK_deployments" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_deployments_service_finished" ON "deployments" ("service_id", "environment", "finished_at") INCLUDE ("status", "commit_at", "fixes_incident_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_deployments_environment_finished" ON "deployments" ("environment", "finished_at") INCLUDE ("id", "service_id", "status", "commit_at", "fixes_incident_id")`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_deployments_fixes_incident" ON "deployments" ("fixes_incident_id") WHERE "fixes_incident_id" IS NOT NULL`);
    // "The service's next succeeded deployment" (recovery time): one index seek, even for a service whose deployments keep failing.
    await queryRunner.query(
      `CREATE INDEX "IDX_deployments_succeeded" ON "deployments" ("service_id", "environment", "finished_at") WHERE "status" = 'succeeded'`,
    );
    await queryRunner.query(
      `ALTER TABLE "deployments" ADD CONSTRAINT "FK_deployments_service" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE CASCADE`,
    );
    await queryRunner.query(
      `ALTER TABLE "deployments" ADD CONSTRAINT "FK_deployments_fixes_incident" FOREIGN KEY ("fixes_incident_id") REFERENCES "incidents"("id") ON DELETE SET NULL`,
    );

    await queryRunner.query(`ALTER TABLE "incidents" ADD "external_id" character varying(200)`);
    await queryRunner.query(`ALTER TABLE "incidents" ADD "announce" boolean NOT NULL DEFAULT true`);
    await queryRunner.query(`ALTER TABLE "incidents" ADD "duplicate_of_id" uuid`);
    await queryRunner.query(`ALTER TABLE "incidents" ADD "caused_by_deployment_id" uuid`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_incidents_team_external_id" ON "incidents" ("team_id", "external_id") WHERE "external_id" IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_incidents_duplicate_of" ON "incidents" ("duplicate_of_id") WHERE "duplicate_of_id" IS NOT NULL`);
    await queryRunner.query(
      `CREATE INDEX "IDX_incidents_caused_by_deployment" ON "incidents" ("caused_by_deployment_id") INCLUDE ("resolved_at") WHERE "caused_by_deployment_id" IS NOT NULL AND "duplicate_of_id" IS NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "incidents" ADD CONSTRAINT "FK_incidents_duplicate_of" FOREIGN KEY ("duplicate_of_id") REFERENCES "incidents"("id") ON DELETE SET NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "incidents" ADD CONSTRAINT "FK_incidents_caused_by_deployment" FOREIGN KEY ("caused_by_deployment_id") REFERENCES "deployments"("id") ON DELETE SET NULL`,
    );

    // The weekly digest's Block Kit message, stored with its text so a retry sends the same.
    await queryRunner.query(`ALTER TABLE "team_digests" ADD "blocks" jsonb`);

    // Same triggers as IncidentInsightsRollup, counting only incidents that are not duplicates.
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "incident_insights_after_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  ${applyMoves(`SELECT ${MOVE_COLUMNS}, 1 FROM new_rows WHERE duplicate_of_id IS NULL`)};
  INSERT INTO incident_insight_facts (${FACT_COLUMNS}) SELECT ${factsOf('new_rows')} FROM new_rows WHERE duplicate_of_id IS NULL;
  RETURN NULL;
END $$`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "incident_insights_after_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  ${applyMoves(`SELECT ${MOVE_COLUMNS}, -1 FROM old_rows WHERE duplicate_of_id IS NULL UNION ALL SELECT ${MOVE_COLUMNS}, 1 FROM new_rows WHERE duplicate_of_id IS NULL`)};
  DELETE FROM incident_insight_facts f
   USING old_rows o LEFT JOIN new_rows n ON n.id = o.id
   WHERE f.incident_id = o.id AND (n.id IS NULL OR n.duplicate_of_id IS NOT NULL);
  INSERT INTO incident_insight_facts AS f (${FACT_COLUMNS})
  SELECT ${factsOf('n')}
    FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
   WHERE n.duplicate_of_id IS NULL
     AND (o.id IS NULL OR o.duplicate_of_id IS NOT NULL
      OR (n.team_id, n.type, n.severity, n.source, n.started_at, n.detected_at, n.acknowledged_at, n.resolved_at)
         IS DISTINCT FROM (o.team_id, o.type, o.severity, o.source, o.started_at, o.detected_at, o.acknowledged_at, o.resolved_at))
  ON CONFLICT (incident_id) DO UPDATE SET team_id = EXCLUDED.team_id, type = EXCLUDED.type, severity = EXCLUDED.severity, source = EXCLUDED.source,
     started_at = EXCLUDED.started_at, resolved_at = EXCLUDED.resolved_at, ack_seconds = EXCLUDED.ack_seconds, resolve_seconds = EXCLUDED.resolve_seconds;
  RETURN NULL;
END $$`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "incident_insights_after_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  ${applyMoves(`SELECT ${MOVE_COLUMNS}, -1 FROM old_rows WHERE duplicate_of_id IS NULL`)};
  DELETE FROM incident_insight_facts f USING old_rows o WHERE f.incident_id = o.id;
  RETURN NULL;
END $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Duplicates count again, as the original triggers count every incident.
    await queryRunner.query(`UPDATE "incidents" SET "duplicate_of_id" = NULL WHERE "duplicate_of_id" IS NOT NULL`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "incident_insights_after_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  ${applyMoves(`SELECT ${MOVE_COLUMNS}, 1 FROM new_rows`)};
  INSERT INTO incident_insight_facts (${FACT_COLUMNS}) SELECT ${factsOf('new_rows')} FROM new_rows;
  RETURN NULL;
END $$`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "incident_insights_after_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  ${applyMoves(`SELECT ${MOVE_COLUMNS}, -1 FROM old_rows UNION ALL SELECT ${MOVE_COLUMNS}, 1 FROM new_rows`)};
  DELETE FROM incident_insight_facts f
   USING old_rows o LEFT JOIN new_rows n ON n.id = o.id
   WHERE f.incident_id = o.id AND n.id IS NULL;
  INSERT INTO incident_insight_facts AS f (${FACT_COLUMNS})
  SELECT ${factsOf('n')}
    FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
   WHERE o.id IS NULL
      OR (n.team_id, n.type, n.severity, n.source, n.started_at, n.detected_at, n.acknowledged_at, n.resolved_at)
         IS DISTINCT FROM (o.team_id, o.type, o.severity, o.source, o.started_at, o.detected_at, o.acknowledged_at, o.resolved_at)
  ON CONFLICT (incident_id) DO UPDATE SET team_id = EXCLUDED.team_id, type = EXCLUDED.type, severity = EXCLUDED.severity, source = EXCLUDED.source,
     started_at = EXCLUDED.started_at, resolved_at = EXCLUDED.resolved_at, ack_seconds = EXCLUDED.ack_seconds, resolve_seconds = EXCLUDED.resolve_seconds;
  RETURN NULL;
END $$`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "incident_insights_after_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  ${applyMoves(`SELECT ${MOVE_COLUMNS}, -1 FROM old_rows`)};
  DELETE FROM incident_insight_facts f USING old_rows o WHERE f.incident_id = o.id;
  RETURN NULL;
END $$`);
    await queryRunner.query(`ALTER TABLE "incidents" DROP CONSTRAINT "FK_incidents_caused_by_deployment"`);
    await queryRunner.query(`ALTER TABLE "incidents" DROP CONSTRAINT "FK_incidents_duplicate_of"`);
    await queryRunner.query(`DROP INDEX "IDX_incidents_caused_by_deployment"`);
    await queryRunner.query(`DROP INDEX "IDX_incidents_duplicate_of"`);
    await queryRunner.query(`DROP INDEX "UQ_incidents_team_external_id"`);
    await queryRunner.query(`ALTER TABLE "incidents" DROP COLUMN "caused_by_deployment_id"`);
    await queryRunner.query(`ALTER TABLE "incidents" DROP COLUMN "duplicate_of_id"`);
    await queryRunner.query(`ALTER TABLE "incidents" DROP COLUMN "announce"`);
    await queryRunner.query(`ALTER TABLE "incidents" DROP COLUMN "external_id"`);
    await queryRunner.query(`DROP TABLE "deployments"`);
    await queryRunner.query(`ALTER TABLE "team_digests" DROP COLUMN "blocks"`);
  }
}
