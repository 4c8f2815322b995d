import { MigrationInterface, QueryRunner } from 'typeorm';

export class Incidents1795484267715 implements MigrationInterface {
  name = 'Incidents1795484267715';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // INC-<number>: a gap-tolerant sequence, never reused.
    await queryRunner.query(`CREATE SEQUENCE "incident_number_seq" AS integer START 1`);
    await queryRunner.query(
      `CREATE TABLE "incident_services" ("incident_id" uuid NOT NULL, "service_id" uuid NOT NULL, CONSTRAINT "PK_01487a5ba832cd2abc6ac69596a" PRIMARY KEY ("incident_id", "service_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_330d291573de0921b5341d4f56" ON "incident_services"  ("service_id") `);
    await queryRunner.query(
      `CREATE TABLE "incidents" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "number" integer NOT NULL DEFAULT nextval('incident_number_seq'), "title" character varying(200) NOT NULL, "summary" text NOT NULL DEFAULT '', "severity" character varying(4) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'investigating', "type" character varying(63) NOT NULL, "team_id" uuid NOT NULL, "visibility" character varying(16) NOT NULL DEFAULT 'internal', "commander" character varying(100), "declared_by" character varying(100) NOT NULL, "source" character varying(16) NOT NULL, "dedup_key" character varying(500), "idempotency_key" character varying(300), "slack_channel_id" character varying(32), "slack_channel_name" character varying(80), "slack_headline_ts" character varying(32), "slack_team_message_ts" character varying(32), "slack_sync_state" character varying(16) NOT NULL DEFAULT 'none', "slack_sync_error" text, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "detected_at" TIMESTAMP WITH TIME ZONE NOT NULL, "acknowledged_at" TIMESTAMP WITH TIME ZONE, "mitigated_at" TIMESTAMP WITH TIME ZONE, "resolved_at" TIMESTAMP WITH TIME ZONE, "last_update_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_reminder_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_a3ae961105c8dae1eef9e796e0f" UNIQUE ("number"), CONSTRAINT "UQ_921895bc762758ff773b963f6cc" UNIQUE ("idempotency_key"), CONSTRAINT "PK_ccb34c01719889017e2246469f9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_incidents_open_dedup_key" ON "incidents"  ("dedup_key") WHERE "resolved_at" IS NULL AND "dedup_key" IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_incidents_resolved" ON "incidents"  ("resolved_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_incidents_started" ON "incidents"  ("started_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_incidents_team_started" ON "incidents"  ("team_id", "started_at") `);
    await queryRunner.query(
      `CREATE TABLE "incident_affected_components" ("incident_id" uuid NOT NULL, "component_id" character varying(12) NOT NULL, "status" character varying(32) NOT NULL, CONSTRAINT "PK_5e318d4fe8d25b90d47713f3303" PRIMARY KEY ("incident_id", "component_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_01a88547641f2c09e3aa134310" ON "incident_affected_components"  ("component_id") `);
    await queryRunner.query(
      `CREATE TABLE "incident_timeline_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "incident_id" uuid NOT NULL, "kind" character varying(40) NOT NULL, "author" character varying(100) NOT NULL, "body" text NOT NULL DEFAULT '', "public" boolean NOT NULL DEFAULT false, "status_at_event" character varying(16), "data" jsonb NOT NULL DEFAULT '{}'::jsonb, "source_ref" character varying(200), "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1fd346a21aad77b122d16f9a81e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_timeline_incident_source_ref" ON "incident_timeline_events"  ("incident_id", "source_ref") WHERE "source_ref" IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_timeline_incident_occurred" ON "incident_timeline_events"  ("incident_id", "occurred_at") `);
    await queryRunner.query(
      `CREATE TABLE "incident_types" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "team_id" uuid, "slug" character varying(63) NOT NULL, "label" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_38aaf3180e89906965e94d1021b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_incident_types_team_slug" ON "incident_types"  ("team_id", "slug") WHERE "team_id" IS NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_incident_types_global_slug" ON "incident_types"  ("slug") WHERE "team_id" IS NULL`);
    await queryRunner.query(
      `ALTER TABLE "incident_services" ADD CONSTRAINT "FK_386fd67f26b5dfe5558efdf1b83" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "incident_services" ADD CONSTRAINT "FK_330d291573de0921b5341d4f562" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "incidents" ADD CONSTRAINT "FK_58f33aa496c8256e5afa4c3a21a" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "incident_affected_components" ADD CONSTRAINT "FK_96e526418b3072850b9b47c89e4" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "incident_timeline_events" ADD CONSTRAINT "FK_81b2c72471dcb6d14b616a2f460" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `INSERT INTO "incident_types" ("slug", "label") VALUES ('deploy', 'Deploy'), ('dependency', 'Dependency'), ('capacity', 'Capacity'), ('config', 'Configuration'), ('security', 'Security'), ('other', 'Other')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "incident_timeline_events" DROP CONSTRAINT "FK_81b2c72471dcb6d14b616a2f460"`);
    await queryRunner.query(`ALTER TABLE "incident_affected_components" DROP CONSTRAINT "FK_96e526418b3072850b9b47c89e4"`);
    await queryRunner.query(`ALTER TABLE "incidents" DROP CONSTRAINT "FK_58f33aa496c8256e5afa4c3a21a"`);
    await queryRunner.query(`ALTER TABLE "incident_services" DROP CONSTRAINT "FK_330d291573de0921b5341d4f562"`);
    await queryRunner.query(`ALTER TABLE "incident_services" DROP CONSTRAINT "FK_386fd67f26b5dfe5558efdf1b83"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_incident_types_global_slug"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_incident_types_team_slug"`);
    await queryRunner.query(`DROP TABLE "incident_types"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_timeline_incident_occurred"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_timeline_incident_source_ref"`);
    await queryRunner.query(`DROP TABLE "incident_timeline_events"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_01a88547641f2c09e3aa134310"`);
    await queryRunner.query(`DROP TABLE "incident_affected_components"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_incidents_team_started"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_incidents_started"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_incidents_resolved"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_incidents_open_dedup_key"`);
    await queryRunner.query(`DROP TABLE "incidents"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_330d291573de0921b5341d4f56"`);
    await queryRunner.query(`DROP TABLE "incident_services"`);
    await queryRunner.query(`DROP SEQUENCE "incident_number_seq"`);
  }
}
