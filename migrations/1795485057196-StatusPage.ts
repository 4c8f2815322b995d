import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables whose changes the public status page shows (see the status page's snapshot listener). */
const STATUS_NOTIFY_TABLES = [
  'incidents',
  'incident_timeline_events',
  'incident_affected_components',
  'status_component_groups',
  'status_components',
  'status_component_slos',
  'status_component_history',
  'status_maintenances',
  'status_maintenance_components',
];

export class StatusPage1795485057196 implements MigrationInterface {
  name = 'StatusPage1795485057196';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "status_component_groups" ("id" character varying(12) NOT NULL, "name" character varying(200) NOT NULL, "description" text, "position" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_edd5b059e098856679ee8bfb556" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "status_component_services" ("component_id" character varying(12) NOT NULL, "service_id" uuid NOT NULL, CONSTRAINT "PK_d13342c93165c4d34668530bedc" PRIMARY KEY ("component_id", "service_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_c75e07b39b94855589589aea43" ON "status_component_services"  ("service_id") `);
    await queryRunner.query(
      `CREATE TABLE "status_component_slos" ("component_id" character varying(12) NOT NULL, "slo_id" character varying(64) NOT NULL, "state" character varying(16), "state_changed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_d2575f37e3e74e847f8331a5ac3" PRIMARY KEY ("component_id", "slo_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_dc72ed2ff8d4fadc5f72b81428" ON "status_component_slos"  ("slo_id") `);
    await queryRunner.query(
      `CREATE TABLE "status_components" ("id" character varying(12) NOT NULL, "name" character varying(200) NOT NULL, "description" text, "position" integer NOT NULL DEFAULT '0', "group_id" character varying(12), "only_show_if_degraded" boolean NOT NULL DEFAULT false, "manual_status" character varying(32), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2857c13698b9a79f3be73045cd5" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_3af274cb720b03871df898e93a" ON "status_components"  ("group_id") `);
    await queryRunner.query(
      `CREATE TABLE "status_component_history" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "component_id" character varying(12) NOT NULL, "status" character varying(32) NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ended_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_f59945bca98629b69351dff2efe" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_status_history_open" ON "status_component_history"  ("component_id") WHERE "ended_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_status_history_component_started" ON "status_component_history"  ("component_id", "started_at") `);
    await queryRunner.query(
      `CREATE TABLE "status_maintenances" ("id" character varying(12) NOT NULL, "name" character varying(200) NOT NULL, "body" text NOT NULL DEFAULT '', "status" character varying(16) NOT NULL DEFAULT 'scheduled', "auto_start" boolean NOT NULL DEFAULT true, "auto_complete" boolean NOT NULL DEFAULT true, "scheduled_for" TIMESTAMP WITH TIME ZONE NOT NULL, "scheduled_until" TIMESTAMP WITH TIME ZONE NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE, "verifying_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ef32322d623e2a0d4cf1079b5b4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_status_maintenances_status_for" ON "status_maintenances"  ("status", "scheduled_for") `);
    await queryRunner.query(
      `CREATE TABLE "status_maintenance_components" ("maintenance_id" character varying(12) NOT NULL, "component_id" character varying(12) NOT NULL, CONSTRAINT "PK_f4440754cdf93c5e34fc1d3c1c1" PRIMARY KEY ("maintenance_id", "component_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_43386181d1ed5d6c941811a1e6" ON "status_maintenance_components"  ("component_id") `);
    await queryRunner.query(
      `ALTER TABLE "status_component_services" ADD CONSTRAINT "FK_f71135605f2b4722364c6f39b1d" FOREIGN KEY ("component_id") REFERENCES "status_components"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "status_component_services" ADD CONSTRAINT "FK_c75e07b39b94855589589aea438" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "status_component_slos" ADD CONSTRAINT "FK_4894fdd56ca09a7a329e58a779f" FOREIGN KEY ("component_id") REFERENCES "status_components"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "status_components" ADD CONSTRAINT "FK_3af274cb720b03871df898e93aa" FOREIGN KEY ("group_id") REFERENCES "status_component_groups"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "status_component_history" ADD CONSTRAINT "FK_bac9d5eaef3f600e39f737be8b4" FOREIGN KEY ("component_id") REFERENCES "status_components"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "status_maintenance_components" ADD CONSTRAINT "FK_c92a42f7b646237317827c0fc21" FOREIGN KEY ("maintenance_id") REFERENCES "status_maintenances"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "status_maintenance_components" ADD CONSTRAINT "FK_43386181d1ed5d6c941811a1e6b" FOREIGN KEY ("component_id") REFERENCES "status_components"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );

    // Hand-written: the vocabularies and invariants the domain relies on, enforced for every writer.
    await queryRunner.query(`ALTER TABLE "status_component_groups" ADD CONSTRAINT "CHK_status_groups_id" CHECK ("id" ~ '^[a-z0-9]{12}$')`);
    await queryRunner.query(`ALTER TABLE "status_components" ADD CONSTRAINT "CHK_status_components_id" CHECK ("id" ~ '^[a-z0-9]{12}$')`);
    await queryRunner.query(
      `ALTER TABLE "status_components" ADD CONSTRAINT "CHK_status_components_manual_status" CHECK ("manual_status" IS NULL OR "manual_status" IN ('operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "status_component_slos" ADD CONSTRAINT "CHK_status_component_slos_state" CHECK ("state" IS NULL OR "state" IN ('ok', 'warning', 'critical', 'no_data', 'stale', 'error'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "status_component_history" ADD CONSTRAINT "CHK_status_history_status" CHECK ("status" IN ('operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "status_component_history" ADD CONSTRAINT "CHK_status_history_period" CHECK ("ended_at" IS NULL OR "ended_at" >= "started_at")`,
    );
    await queryRunner.query(`ALTER TABLE "status_maintenances" ADD CONSTRAINT "CHK_status_maintenances_id" CHECK ("id" ~ '^[a-z0-9]{12}$')`);
    await queryRunner.query(
      `ALTER TABLE "status_maintenances" ADD CONSTRAINT "CHK_status_maintenances_status" CHECK ("status" IN ('scheduled', 'in_progress', 'verifying', 'completed'))`,
    );
    await queryRunner.query(`ALTER TABLE "status_maintenances" ADD CONSTRAINT "CHK_status_maintenances_window" CHECK ("scheduled_until" > "scheduled_for")`);

    // Hand-written: every write that can change the public status page, by any
    // writer (API, Slack bot, SLO engine, a psql session), wakes the status
    // page through LISTEN/NOTIFY. Statement-level, so a bulk write notifies
    // once, and PostgreSQL folds identical notifications within a transaction.
    await queryRunner.query(`
            CREATE FUNCTION "ballast_notify_status_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('ballast_status_changed', TG_TABLE_NAME);
                RETURN NULL;
            END
            $$`);
    for (const table of STATUS_NOTIFY_TABLES) {
      await queryRunner.query(
        `CREATE TRIGGER "trg_${table}_status_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION "ballast_notify_status_changed"()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of STATUS_NOTIFY_TABLES) {
      await queryRunner.query(`DROP TRIGGER IF EXISTS "trg_${table}_status_changed" ON "${table}"`);
    }
    await queryRunner.query(`DROP FUNCTION IF EXISTS "ballast_notify_status_changed"()`);
    await queryRunner.query(`ALTER TABLE "status_maintenance_components" DROP CONSTRAINT "FK_43386181d1ed5d6c941811a1e6b"`);
    await queryRunner.query(`ALTER TABLE "status_maintenance_components" DROP CONSTRAINT "FK_c92a42f7b646237317827c0fc21"`);
    await queryRunner.query(`ALTER TABLE "status_component_history" DROP CONSTRAINT "FK_bac9d5eaef3f600e39f737be8b4"`);
    await queryRunner.query(`ALTER TABLE "status_components" DROP CONSTRAINT "FK_3af274cb720b03871df898e93aa"`);
    await queryRunner.query(`ALTER TABLE "status_component_slos" DROP CONSTRAINT "FK_4894fdd56ca09a7a329e58a779f"`);
    await queryRunner.query(`ALTER TABLE "status_component_services" DROP CONSTRAINT "FK_c75e07b39b94855589589aea438"`);
    await queryRunner.query(`ALTER TABLE "status_component_services" DROP CONSTRAINT "FK_f71135605f2b4722364c6f39b1d"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_43386181d1ed5d6c941811a1e6"`);
    await queryRunner.query(`DROP TABLE "status_maintenance_components"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_status_maintenances_status_for"`);
    await queryRunner.query(`DROP TABLE "status_maintenances"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_status_history_component_started"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_status_history_open"`);
    await queryRunner.query(`DROP TABLE "status_component_history"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_3af274cb720b03871df898e93a"`);
    await queryRunner.query(`DROP TABLE "status_components"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_dc72ed2ff8d4fadc5f72b81428"`);
    await queryRunner.query(`DROP TABLE "status_component_slos"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_c75e07b39b94855589589aea43"`);
    await queryRunner.query(`DROP TABLE "status_component_services"`);
    await queryRunner.query(`DROP TABLE "status_component_groups"`);
  }
}
