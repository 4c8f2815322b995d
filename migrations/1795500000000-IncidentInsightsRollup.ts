import { MigrationInterface, QueryRunner } from 'typeorm';

/** Adds each move (+1 or -1 per incident) to the day and ISO-week buckets of its started_at. */
const applyMoves = (moves: string) => `INSERT INTO incident_counts AS c (bucket_days, team_id, bucket_start, type, severity, source, incidents)
  SELECT b.bucket_days, m.team_id, b.bucket_start, m.type, m.severity, m.source, sum(m.change)
    FROM (${moves}) AS m(team_id, started_at, type, severity, source, change)
   CROSS JOIN LATERAL (VALUES (1::smallint, (m.started_at AT TIME ZONE 'UTC')::date),
                              (7::smallint, date_trunc('week', m.started_at AT TIME ZONE 'UTC')::date)) AS b(bucket_days, bucket_start)
   GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(m.change) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (bucket_days, team_id, bucket_start, type, severity, source) DO UPDATE SET incidents = c.incidents + EXCLUDED.incidents`;
const MOVE_COLUMNS = 'team_id, started_at, type, severity, source';

const FACT_COLUMNS = 'incident_id, team_id, type, severity, source, started_at, resolved_at, ack_seconds, resolve_seconds';
/** The fact columns of incidents rows (`rows` is a table name or alias). */
const factsOf = (rows: string) =>
  `${rows}.id, ${rows}.team_id, ${rows}.type, ${rows}.severity, ${rows}.source, ${rows}.started_at, ${rows}.resolved_at,
   incident_seconds_between(${rows}.detected_at, ${rows}.acknowledged_at), incident_seconds_between(${rows}.started_at, ${rows}.resolved_at)`;

/**
 * What GET /api/v1/insights/incidents reads instead of aggregating every
 * incident in range on each call:
 * - incident_counts: incidents per team, type, severity, source and UTC day
 *   of started_at (bucket_days 1), and the same per ISO week (bucket_days 7).
 *   Whole weeks and days of a period are summed from here (planInsightsCounts).
 * - incident_insight_facts: one narrow row per incident with what insights
 *   read — team, type, severity, source, started_at, resolved_at and its MTTA
 *   and MTTR contributions in seconds (as timeToAcknowledgeSeconds and
 *   timeToResolveSeconds compute them). The ragged ends of a period are
 *   counted from it, and the exact percentiles read it by team or by type
 *   over resolved_at: index-only scans, never the wide incidents rows.
 * Both are kept by statement-level triggers on incidents (insert, update of
 * any column, delete, truncate), so every writer — the incidents service,
 * SQL by hand, bulk loads — keeps them exact, in the writer's transaction.
 * Rows of incident_counts whose count falls to 0 stay (readers skip them);
 * deleting them could race with a concurrent increment.
 */
export class IncidentInsightsRollup1795500000000 implements MigrationInterface {
  name = 'IncidentInsightsRollup1795500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // The backfill reads every incident; the request-sized statement timeout does not apply to it.
    await queryRunner.query(`SET LOCAL statement_timeout = 0`);
    await queryRunner.query(
      `CREATE TABLE "incident_counts" ("bucket_days" smallint NOT NULL, "team_id" uuid NOT NULL, "bucket_start" date NOT NULL, "type" character varying(63) NOT NULL, "severity" character varying(4) NOT NULL, "source" character varying(16) NOT NULL, "incidents" integer NOT NULL, CONSTRAINT "PK_incident_counts" PRIMARY KEY ("bucket_days", "team_id", "bucket_start", "type", "severity", "source") INCLUDE ("incidents"), CONSTRAINT "CHK_incident_counts_bucket_days" CHECK ("bucket_days" IN (1, 7)))`,
    );
    await queryRunner.query(
      `CREATE TABLE "incident_insight_facts" ("incident_id" uuid NOT NULL, "team_id" uuid NOT NULL, "type" character varying(63) NOT NULL, "severity" character varying(4) NOT NULL, "source" character varying(16) NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "resolved_at" TIMESTAMP WITH TIME ZONE, "ack_seconds" double precision, "resolve_seconds" double precision, CONSTRAINT "PK_incident_insight_facts" PRIMARY KEY ("incident_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_incident_insight_facts_team_started" ON "incident_insight_facts" ("team_id", "started_at") INCLUDE ("type", "severity", "source")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_incident_insight_facts_team_resolved" ON "incident_insight_facts" ("team_id", "resolved_at") INCLUDE ("type", "ack_seconds", "resolve_seconds") WHERE "resolved_at" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_incident_insight_facts_type_resolved" ON "incident_insight_facts" ("type", "resolved_at") INCLUDE ("ack_seconds", "resolve_seconds") WHERE "resolved_at" IS NOT NULL`,
    );

    // greatest(0, exact seconds) rounded once to double precision: the same number as
    // Math.max(0, (to - from) / 1000) on millisecond timestamps; NULL while `to_at` is NULL.
    // Not STRICT, so PostgreSQL inlines it (a STRICT SQL function is called per row: 10x slower backfill).
    await queryRunner.query(
      `CREATE FUNCTION "incident_seconds_between"("from_at" timestamptz, "to_at" timestamptz) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN to_at IS NULL THEN NULL ELSE greatest(0, extract(epoch FROM to_at - from_at))::double precision END $$`,
    );

    await queryRunner.query(`CREATE FUNCTION "incident_insights_after_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  ${applyMoves(`SELECT ${MOVE_COLUMNS}, 1 FROM new_rows`)};
  INSERT INTO incident_insight_facts (${FACT_COLUMNS}) SELECT ${factsOf('new_rows')} FROM new_rows;
  RETURN NULL;
END $$`);

    // Any UPDATE statement: the net change per rollup key (most updates move nothing),
    // and the facts of incidents whose team, type, severity, source or clock changed.
    await queryRunner.query(`CREATE FUNCTION "incident_insights_after_update"() RETURNS trigger LANGUAGE plpgsql AS $$
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

    await queryRunner.query(`CREATE FUNCTION "incident_insights_after_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  ${applyMoves(`SELECT ${MOVE_COLUMNS}, -1 FROM old_rows`)};
  DELETE FROM incident_insight_facts f USING old_rows o WHERE f.incident_id = o.id;
  RETURN NULL;
END $$`);

    await queryRunner.query(`CREATE FUNCTION "incident_insights_after_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE incident_counts, incident_insight_facts;
  RETURN NULL;
END $$`);

    // No writer may slip between the triggers' creation and the backfill.
    await queryRunner.query(`LOCK TABLE "incidents" IN SHARE ROW EXCLUSIVE MODE`);
    await queryRunner.query(
      `CREATE TRIGGER "incident_insights_insert" AFTER INSERT ON "incidents" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_insights_after_insert()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "incident_insights_update" AFTER UPDATE ON "incidents" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_insights_after_update()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "incident_insights_delete" AFTER DELETE ON "incidents" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_insights_after_delete()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "incident_insights_truncate" AFTER TRUNCATE ON "incidents" FOR EACH STATEMENT EXECUTE FUNCTION incident_insights_after_truncate()`,
    );

    await queryRunner.query(applyMoves(`SELECT ${MOVE_COLUMNS}, 1 FROM incidents`));
    await queryRunner.query(`INSERT INTO incident_insight_facts (${FACT_COLUMNS}) SELECT ${factsOf('incidents')} FROM incidents`);
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
    await queryRunner.query(`DROP TABLE "incident_insight_facts"`);
    await queryRunner.query(`DROP TABLE "incident_counts"`);
  }
}
