import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * What GET /api/v1/insights/incidents reads instead of aggregating every
 * incident in range on each call:
 * - incident_counts: incidents per team, type, severity, source and UTC day
 *   of started_at (bucket_days 1), and the same per ISO week (bucket_days 7).
 *   Whole weeks and days of a period are summed from here; the ragged ends
 *   are counted from incidents (planInsightsCounts).
 * - incident_resolutions: one narrow row per resolved incident with its MTTA
 *   and MTTR contributions in seconds (as timeToAcknowledgeSeconds and
 *   timeToResolveSeconds compute them), indexed by team and by type over
 *   resolved_at, so the exact percentiles are an index-only scan.
 * Both are kept by statement-level triggers on incidents (insert, update of
 * any column, delete, truncate), so every writer — the incidents service,
 * SQL by hand, bulk loads — keeps them exact, in the writer's transaction.
 * Rows of incident_counts whose count falls to 0 stay (readers skip
 * them); deleting them could race with a concurrent increment.
 */
/** Adds each move (+1 or -1 per incident) to the day and ISO-week buckets of its started_at. */
const applyMoves = (moves: string) => `INSERT INTO incident_counts AS c (bucket_days, team_id, bucket_start, type, severity, source, incidents)
  SELECT b.bucket_days, m.team_id, b.bucket_start, m.type, m.severity, m.source, sum(m.change)
    FROM (${moves}) AS m(team_id, started_at, type, severity, source, change)
   CROSS JOIN LATERAL (VALUES (1::smallint, (m.started_at AT TIME ZONE 'UTC')::date),
                              (7::smallint, date_trunc('week', m.started_at AT TIME ZONE 'UTC')::date)) AS b(bucket_days, bucket_start)
   GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(m.change) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (bucket_days, team_id, bucket_start, type, severity, source) DO UPDATE SET incidents = c.incidents + EXCLUDED.incidents`;
const MOVE_COLUMNS = 'team_id, started_at, type, severity, source';

export class IncidentInsightsRollup1795500000000 implements MigrationInterface {
    name = 'IncidentInsightsRollup1795500000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // The backfill reads every incident; the request-sized statement timeout does not apply to it.
        await queryRunner.query(`SET LOCAL statement_timeout = 0`);
        await queryRunner.query(`CREATE TABLE "incident_counts" ("bucket_days" smallint NOT NULL, "team_id" uuid NOT NULL, "bucket_start" date NOT NULL, "type" character varying(63) NOT NULL, "severity" character varying(4) NOT NULL, "source" character varying(16) NOT NULL, "incidents" integer NOT NULL, CONSTRAINT "PK_incident_counts" PRIMARY KEY ("bucket_days", "team_id", "bucket_start", "type", "severity", "source") INCLUDE ("incidents"), CONSTRAINT "CHK_incident_counts_bucket_days" CHECK ("bucket_days" IN (1, 7)))`);
        await queryRunner.query(`CREATE TABLE "incident_resolutions" ("incident_id" uuid NOT NULL, "team_id" uuid NOT NULL, "type" character varying(63) NOT NULL, "resolved_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ack_seconds" double precision, "resolve_seconds" double precision NOT NULL, CONSTRAINT "PK_incident_resolutions" PRIMARY KEY ("incident_id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_incident_resolutions_team" ON "incident_resolutions" ("team_id", "resolved_at") INCLUDE ("type", "ack_seconds", "resolve_seconds")`);
        await queryRunner.query(`CREATE INDEX "IDX_incident_resolutions_type" ON "incident_resolutions" ("type", "resolved_at") INCLUDE ("ack_seconds", "resolve_seconds")`);

        // greatest(0, exact seconds) rounded once to double precision: the same number as
        // Math.max(0, (to - from) / 1000) on millisecond timestamps; NULL while `to_at` is NULL.
        // Not STRICT, so PostgreSQL inlines it (a STRICT SQL function is called per row: 10x slower backfill).
        await queryRunner.query(`CREATE FUNCTION "incident_seconds_between"("from_at" timestamptz, "to_at" timestamptz) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN to_at IS NULL THEN NULL ELSE greatest(0, extract(epoch FROM to_at - from_at))::double precision END $$`);

        await queryRunner.query(`CREATE FUNCTION "incident_insights_after_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  ${applyMoves(`SELECT ${MOVE_COLUMNS}, 1 FROM new_rows`)};
  INSERT INTO incident_resolutions (incident_id, team_id, type, resolved_at, ack_seconds, resolve_seconds)
  SELECT id, team_id, type, resolved_at, incident_seconds_between(detected_at, acknowledged_at), incident_seconds_between(started_at, resolved_at)
    FROM new_rows WHERE resolved_at IS NOT NULL;
  RETURN NULL;
END $$`);

        // Any UPDATE statement: the net change per rollup key (most updates move nothing),
        // and the resolutions of incidents whose team, type or clock changed.
        await queryRunner.query(`CREATE FUNCTION "incident_insights_after_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  ${applyMoves(`SELECT ${MOVE_COLUMNS}, -1 FROM old_rows UNION ALL SELECT ${MOVE_COLUMNS}, 1 FROM new_rows`)};
  DELETE FROM incident_resolutions r
   USING old_rows o LEFT JOIN new_rows n ON n.id = o.id
   WHERE r.incident_id = o.id AND (n.id IS NULL OR n.resolved_at IS NULL);
  INSERT INTO incident_resolutions AS r (incident_id, team_id, type, resolved_at, ack_seconds, resolve_seconds)
  SELECT n.id, n.team_id, n.type, n.resolved_at, incident_seconds_between(n.detected_at, n.acknowledged_at), incident_seconds_between(n.started_at, n.resolved_at)
    FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
   WHERE n.resolved_at IS NOT NULL
     AND (o.id IS NULL OR (n.team_id, n.type, n.started_at, n.detected_at, n.acknowledged_at, n.resolved_at) IS DISTINCT FROM (o.team_id, o.type, o.started_at, o.detected_at, o.acknowledged_at, o.resolved_at))
  ON CONFLICT (incident_id) DO UPDATE SET team_id = EXCLUDED.team_id, type = EXCLUDED.type, resolved_at = EXCLUDED.resolved_at, ack_seconds = EXCLUDED.ack_seconds, resolve_seconds = EXCLUDED.resolve_seconds;
  RETURN NULL;
END $$`);

        await queryRunner.query(`CREATE FUNCTION "incident_insights_after_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  ${applyMoves(`SELECT ${MOVE_COLUMNS}, -1 FROM old_rows`)};
  DELETE FROM incident_resolutions r USING old_rows o WHERE r.incident_id = o.id;
  RETURN NULL;
END $$`);

        await queryRunner.query(`CREATE FUNCTION "incident_insights_after_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE incident_counts, incident_resolutions;
  RETURN NULL;
END $$`);

        // No writer may slip between the triggers' creation and the backfill.
        await queryRunner.query(`LOCK TABLE "incidents" IN SHARE ROW EXCLUSIVE MODE`);
        await queryRunner.query(`CREATE TRIGGER "incident_insights_insert" AFTER INSERT ON "incidents" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_insights_after_insert()`);
        await queryRunner.query(`CREATE TRIGGER "incident_insights_update" AFTER UPDATE ON "incidents" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_insights_after_update()`);
        await queryRunner.query(`CREATE TRIGGER "incident_insights_delete" AFTER DELETE ON "incidents" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_insights_after_delete()`);
        await queryRunner.query(`CREATE TRIGGER "incident_insights_truncate" AFTER TRUNCATE ON "incidents" FOR EACH STATEMENT EXECUTE FUNCTION incident_insights_after_truncate()`);

        await queryRunner.query(applyMoves(`SELECT ${MOVE_COLUMNS}, 1 FROM incidents`));
        await queryRunner.query(`INSERT INTO "incident_resolutions" ("incident_id", "team_id", "type", "resolved_at", "ack_seconds", "resolve_seconds")
            SELECT id, team_id, type, resolved_at, incident_seconds_between(detected_at, acknowledged_at), incident_seconds_between(started_at, resolved_at)
              FROM "incidents" WHERE resolved_at IS NOT NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER "incident_insights_truncate" ON "incidents"`);
        await queryRunner.query(`DROP TRIGGER "incident_insights_delete" ON "incidents"`);
        await queryRunner.query(`DROP TRIGGER "incident_insights_update" ON "incidents"`);
        await queryRunner.query(`DROP TRIGGER "incident_insights_insert" ON "incidents"`);
        await queryRunner.query(`DROP FUNCTION "incident_insights_after_truncate"()`);
        await queryRunner.query(`DROP FUNCTION "incident_insights_after_delete"()`);
        await queryRunner.query(`DROP FUNCTION "incident_insights_after_update"()`);
        await queryRunner.query(`DROP FUNCTION "incident_insights_after_insert"()`);
        await queryRunner.query(`DROP FUNCTION "incident_seconds_between"(timestamptz, timestamptz)`);
        await queryRunner.query(`DROP TABLE "incident_resolutions"`);
        await queryRunner.query(`DROP TABLE "incident_counts"`);
    }
}
