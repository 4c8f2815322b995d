import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * After the incident: postmortems (with every earlier text kept as a version),
 * the reminder claims for required postmortems (one row per incident, a
 * compare-and-set on last_reminder_at), follow-ups, and deploy-gate overrides.
 */
export class AfterIncident1795750000000 implements MigrationInterface {
  name = 'AfterIncident1795750000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "postmortems" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "incident_id" uuid NOT NULL, "team_id" uuid NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'draft', "markdown" text NOT NULL, "version" integer NOT NULL DEFAULT 1, "budget_impact" jsonb NOT NULL DEFAULT '[]', "required" boolean NOT NULL DEFAULT false, "required_because" text, "published_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_postmortems_incident" UNIQUE ("incident_id"), CONSTRAINT "PK_postmortems" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_postmortems_team" ON "postmortems" ("team_id") `);
    await queryRunner.query(
      `ALTER TABLE "postmortems" ADD CONSTRAINT "FK_postmortems_incident" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `CREATE TABLE "postmortem_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "postmortem_id" uuid NOT NULL, "version" integer NOT NULL, "status" character varying(16) NOT NULL, "markdown" text NOT NULL, "author" character varying(100) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_postmortem_versions_version" UNIQUE ("postmortem_id", "version"), CONSTRAINT "PK_postmortem_versions" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "postmortem_versions" ADD CONSTRAINT "FK_postmortem_versions_postmortem" FOREIGN KEY ("postmortem_id") REFERENCES "postmortems"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `CREATE TABLE "postmortem_reminders" ("incident_id" uuid NOT NULL, "last_reminder_at" TIMESTAMP WITH TIME ZONE NOT NULL, "reminders" integer NOT NULL DEFAULT 1, CONSTRAINT "PK_postmortem_reminders" PRIMARY KEY ("incident_id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "postmortem_reminders" ADD CONSTRAINT "FK_postmortem_reminders_incident" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `CREATE TABLE "follow_ups" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "incident_id" uuid NOT NULL, "team_id" uuid NOT NULL, "title" character varying(200) NOT NULL, "owner" character varying(100), "due_date" date, "priority" character varying(2) NOT NULL DEFAULT 'P2', "url" text, "status" character varying(8) NOT NULL DEFAULT 'open', "created_by" character varying(100) NOT NULL, "source_ref" character varying(200), "completed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_follow_ups" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_follow_ups_incident" ON "follow_ups" ("incident_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_follow_ups_team_status_due" ON "follow_ups" ("team_id", "status", "due_date") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_follow_ups_source_ref" ON "follow_ups" ("source_ref") WHERE "source_ref" IS NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE "follow_ups" ADD CONSTRAINT "FK_follow_ups_incident" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `CREATE TABLE "deploy_gate_overrides" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "service_id" uuid NOT NULL, "kind" character varying(16) NOT NULL, "reason" text NOT NULL, "actor" character varying(100) NOT NULL, "blocked_by" jsonb NOT NULL DEFAULT '[]', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_deploy_gate_overrides" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_deploy_gate_overrides_service" ON "deploy_gate_overrides" ("service_id", "created_at") `);
    await queryRunner.query(
      `ALTER TABLE "deploy_gate_overrides" ADD CONSTRAINT "FK_deploy_gate_overrides_service" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "deploy_gate_overrides"`);
    await queryRunner.query(`DROP TABLE "follow_ups"`);
    await queryRunner.query(`DROP TABLE "postmortem_reminders"`);
    await queryRunner.query(`DROP TABLE "postmortem_versions"`);
    await queryRunner.query(`DROP TABLE "postmortems"`);
  }
}
