import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * On-call rotations per team, the handoff messages posted (one per handoff,
 * across replicas), and paging: one row per paged incident (acknowledged once)
 * and one per escalation step, claimed in PostgreSQL so each step goes out once.
 */
export class OncallPaging1795730000000 implements MigrationInterface {
  name = 'OncallPaging1795730000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "team_oncall" ("team_id" uuid NOT NULL, "config" jsonb NOT NULL, "pagerduty_routing_key" character varying(64), "configured_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_team_oncall" PRIMARY KEY ("team_id"), CONSTRAINT "FK_team_oncall_team" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(
      `CREATE TABLE "oncall_handoffs" ("team_id" uuid NOT NULL, "handoff_at" TIMESTAMP WITH TIME ZONE NOT NULL, "from_user" character varying(32), "to_user" character varying(32), "posted_at" TIMESTAMP WITH TIME ZONE, "error" text, CONSTRAINT "PK_oncall_handoffs" PRIMARY KEY ("team_id", "handoff_at"), CONSTRAINT "FK_oncall_handoffs_team" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(
      `CREATE TABLE "incident_paging" ("incident_id" uuid NOT NULL, "team_id" uuid NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "acknowledged_at" TIMESTAMP WITH TIME ZONE, "acknowledged_by" character varying(32), "pagerduty_state" character varying(16), CONSTRAINT "PK_incident_paging" PRIMARY KEY ("incident_id"), CONSTRAINT "FK_incident_paging_incident" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(
      `CREATE TABLE "incident_page_steps" ("incident_id" uuid NOT NULL, "step_index" integer NOT NULL, "notify" character varying(16) NOT NULL, "user_id" character varying(32), "due_at" TIMESTAMP WITH TIME ZONE NOT NULL, "state" character varying(16) NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT 0, "claimed_at" TIMESTAMP WITH TIME ZONE, "sent_at" TIMESTAMP WITH TIME ZONE, "dm_channel_id" character varying(32), "message_ts" character varying(32), "invited" boolean NOT NULL DEFAULT false, "error" text, CONSTRAINT "PK_incident_page_steps" PRIMARY KEY ("incident_id", "step_index"), CONSTRAINT "CHK_incident_page_steps_state" CHECK ("state" IN ('pending', 'sending', 'sent', 'cancelled', 'failed')), CONSTRAINT "FK_incident_page_steps_paging" FOREIGN KEY ("incident_id") REFERENCES "incident_paging"("incident_id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_incident_page_steps_due" ON "incident_page_steps" ("due_at") WHERE "state" IN ('pending', 'sending')`);
    await queryRunner.query(`ALTER TABLE "incidents" ADD "slack_archive_due_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "incidents" ADD "slack_archived_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "incidents" DROP COLUMN "slack_archived_at"`);
    await queryRunner.query(`ALTER TABLE "incidents" DROP COLUMN "slack_archive_due_at"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_incident_page_steps_due"`);
    await queryRunner.query(`DROP TABLE "incident_page_steps"`);
    await queryRunner.query(`DROP TABLE "incident_paging"`);
    await queryRunner.query(`DROP TABLE "oncall_handoffs"`);
    await queryRunner.query(`DROP TABLE "team_oncall"`);
  }
}
