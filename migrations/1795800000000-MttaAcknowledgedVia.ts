import { MigrationInterface, QueryRunner } from 'typeorm';

/** As in DeliveryAndHistory: each move (+1 or -1 per incident) to the day and ISO-week buckets of its started_at. */
const applyMoves = (moves: string) => `INSERT INTO incident_counts AS c (bucket_days, team_id, bucket_start, type, severity, source, incidents)
  SELECT b.bucket_days, m.team_id, b.bucket_start, m.type, m.severity, m.source, sum(m.change)
    FROM (${moves}) AS m(team_id, started_at, type, severity, source, change)
   CROSS JOIN LATERAL (VALUES (1::smallint, (m.started_at AT TIME ZONE 'UTC')::date),
                              (7::smallint, date_trunc('week', m.started_at AT TIME ZONE 'UTC')::date)) AS b(bucket_days, bucket_start)
   GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(m.change) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (bucket_days, team_id, bucket_start, type, severity, source) DO UPDATE SET incidents = c.incidents + EXCLUDED.incidents`;
const MOVE_COLUMNS = 'team_id, started_at, type, severity, source';
const FACT_COLUMNS = 'incident_id, team_id, type, severity, source, started_at, resolved_at, ack_seconds, resolve_seconds, self_declared';
/** ack_seconds only for acknowledgements that count in MTTA; self-declared ones are flagged instead. */
const factsOf = (rows: string) =>
  `${rows}.id, ${rows}.team_id, ${rows}.type, ${rows}.severity, ${rows}.source, ${rows}.started_at, ${rows}.resolved_at,
   CASE WHEN ${rows}.acknowledged_via = 'self_declared' AND ${rows}.acknowledged_at IS NOT NULL THEN NULL ELSE incident_seconds_between(${rows}.detected_at, ${rows}.acknowledged_at) END,
   incident_seconds_between(${rows}.started_at, ${rows}.resolved_at),
   coalesce(${rows}.acknowledged_via = 'self_declared' AND ${rows}.acknowledged_at IS NOT NULL, false)`;
const TRACKED = (rows: string) =>
  `(${rows}.team_id, ${rows}.type, ${rows}.severity, ${rows}.source, ${rows}.started_at, ${rows}.detected_at, ${rows}.acknowledged_at, ${rows}.resolved_at, ${rows}.acknowledged_via)`;

/**
 * MTTA means something (issue 21 item 8):
 * - incidents gain acknowledged_via ('person' | 'self_declared' | 'import')
 *   and acknowledged_by (author label) for their first acknowledgement;
 *   existing acknowledged incidents are classified: imported history →
 *   'import'; declared by a person and acknowledged at the detection instant
 *   (the declaration acknowledged it) → 'self_declared'; else 'person';
 * - incident_insight_facts gains self_declared, and its ack_seconds is NULL
 *   for self-declared incidents, so MTTA covers person acknowledgements only;
 * - the rollup triggers of DeliveryAndHistory are replaced by the same ones
 *   with those facts (still in the writer's transaction, duplicates excluded).
 */
export class MttaAcknowledgedVia1795800000000 implements MigrationInterface {
  name = 'MttaAcknowledgedVia1795800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "incidents" ADD "acknowledged_via" character varying(16)`);
    await queryRunner.query(`ALTER TABLE "incidents" ADD "acknowledged_by" character varying(200)`);
    await queryRunner.query(
      `ALTER TABLE "incidents" ADD CONSTRAINT "CHK_incidents_acknowledged_via" CHECK ("acknowledged_via" IN ('person', 'self_declared', 'import'))`,
    );
    await queryRunner.query(`ALTER TABLE "incident_insight_facts" ADD "self_declared" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`UPDATE "incidents" SET
            "acknowledged_via" = CASE WHEN NOT "announce" THEN 'import'
                                      WHEN "declared_by" NOT LIKE 'ballast:%' AND "acknowledged_at" = "detected_at" THEN 'self_declared'
                                      ELSE 'person' END,
            "acknowledged_by" = CASE WHEN "announce" AND "declared_by" NOT LIKE 'ballast:%' AND "acknowledged_at" = "detected_at" THEN "declared_by" END
          WHERE "acknowledged_at" IS NOT NULL`);
    await queryRunner.query(`UPDATE "incident_insight_facts" f SET "self_declared" = true, "ack_seconds" = NULL
          FROM "incidents" i WHERE i.id = f.incident_id AND i.acknowledged_via = 'self_declared' AND i.acknowledged_at IS NOT NULL`);
    await queryRunner.query(`DROP INDEX "IDX_incident_insight_facts_team_resolved"`);
    await queryRunner.query(`DROP INDEX "IDX_incident_insight_facts_type_resolved"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_incident_insight_facts_team_resolved" ON "incident_insight_facts" ("team_id", "resolved_at") INCLUDE ("type", "ack_seconds", "resolve_seconds", "self_declared") WHERE "resolved_at" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_incident_insight_facts_type_resolved" ON "incident_insight_facts" ("type", "resolved_at") INCLUDE ("ack_seconds", "resolve_seconds", "self_declared") WHERE "resolved_at" IS NOT NULL`,
    );
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
     AND (o.id IS NULL OR o.duplicate_of_id IS NOT NULL OR ${TRACKED('n')} IS DISTINCT FROM ${TRACKED('o')})
  ON CONFLICT (incident_id) DO UPDATE SET team_id = EXCLUDED.team_id, type = EXCLUDED.type, severity = EXCLUDED.severity, source = EXCLUDED.source,
     started_at = EXCLUDED.started_at, resolved_at = EXCLUDED.resolved_at, ack_seconds = EXCLUDED.ack_seconds, resolve_seconds = EXCLUDED.resolve_seconds,
     self_declared = EXCLUDED.self_declared;
  RETURN NULL;
END $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Back to DeliveryAndHistory's functions: ack_seconds for every acknowledgement again.
    const oldFacts = (rows: string) =>
      `${rows}.id, ${rows}.team_id, ${rows}.type, ${rows}.severity, ${rows}.source, ${rows}.started_at, ${rows}.resolved_at,
   incident_seconds_between(${rows}.detected_at, ${rows}.acknowledged_at), incident_seconds_between(${rows}.started_at, ${rows}.resolved_at)`;
    const oldColumns = 'incident_id, team_id, type, severity, source, started_at, resolved_at, ack_seconds, resolve_seconds';
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "incident_insights_after_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  ${applyMoves(`SELECT ${MOVE_COLUMNS}, 1 FROM new_rows WHERE duplicate_of_id IS NULL`)};
  INSERT INTO incident_insight_facts (${oldColumns}) SELECT ${oldFacts('new_rows')} FROM new_rows WHERE duplicate_of_id IS NULL;
  RETURN NULL;
END $$`);
    await queryRunner.query(`CREATE OR REPLACE FUNCTION "incident_insights_after_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  ${applyMoves(`SELECT ${MOVE_COLUMNS}, -1 FROM old_rows WHERE duplicate_of_id IS NULL UNION ALL SELECT ${MOVE_COLUMNS}, 1 FROM new_rows WHERE duplicate_of_id IS NULL`)};
  DELETE FROM incident_insight_facts f
   USING old_rows o LEFT JOIN new_rows n ON n.id = o.id
   WHERE f.incident_id = o.id AND (n.id IS NULL OR n.duplicate_of_id IS NOT NULL);
  INSERT INTO incident_insight_facts AS f (${oldColumns})
  SELECT ${oldFacts('n')}
    FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
   WHERE n.duplicate_of_id IS NULL
     AND (o.id IS NULL OR o.duplicate_of_id IS NOT NULL
      OR (n.team_id, n.type, n.severity, n.source, n.started_at, n.detected_at, n.acknowledged_at, n.resolved_at)
         IS DISTINCT FROM (o.team_id, o.type, o.severity, o.source, o.started_at, o.detected_at, o.acknowledged_at, o.resolved_at))
  ON CONFLICT (incident_id) DO UPDATE SET team_id = EXCLUDED.team_id, type = EXCLUDED.type, severity = EXCLUDED.severity, source = EXCLUDED.source,
     started_at = EXCLUDED.started_at, resolved_at = EXCLUDED.resolved_at, ack_seconds = EXCLUDED.ack_seconds, resolve_seconds = EXCLUDED.resolve_seconds;
  RETURN NULL;
END $$`);
    await queryRunner.query(`UPDATE "incident_insight_facts" f SET "ack_seconds" = incident_seconds_between(i.detected_at, i.acknowledged_at)
          FROM "incidents" i WHERE i.id = f.incident_id AND f.self_declared`);
    await queryRunner.query(`DROP INDEX "IDX_incident_insight_facts_team_resolved"`);
    await queryRunner.query(`DROP INDEX "IDX_incident_insight_facts_type_resolved"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_incident_insight_facts_team_resolved" ON "incident_insight_facts" ("team_id", "resolved_at") INCLUDE ("type", "ack_seconds", "resolve_seconds") WHERE "resolved_at" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_incident_insight_facts_type_resolved" ON "incident_insight_facts" ("type", "resolved_at") INCLUDE ("ack_seconds", "resolve_seconds") WHERE "resolved_at" IS NOT NULL`,
    );
    await queryRunner.query(`ALTER TABLE "incident_insight_facts" DROP COLUMN "self_declared"`);
    await queryRunner.query(`ALTER TABLE "incidents" DROP CONSTRAINT "CHK_incidents_acknowledged_via"`);
    await queryRunner.query(`ALTER TABLE "incidents" DROP COLUMN "acknowledged_by"`);
    await queryRunner.query(`ALTER TABLE "incidents" DROP COLUMN "acknowledged_via"`);
  }
}
