import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 21 follow-ups:
 * - slack_button_presses: a page's Acknowledge / Escalate press, stored after
 *   Slack got its 200 and claimed with a lease, so it is handled exactly once
 *   and handled again (by any replica) when the process handling it died;
 * - slack_view_submissions: a modal submission (Update, Resolve, Edit,
 *   Publish) claimed by view id + callback id, so a double submission changes
 *   the incident once;
 * - teams.pagerduty_routing_key: the PagerDuty routing key belongs to the team
 *   (PATCH /api/v1/teams/:slug); write-only, so the entity maps only the
 *   generated pagerduty_configured flag. Keys set through the on-call PUT are
 *   copied over.
 */
export class SlackClaimsAndTeamPagerDuty1795910000000 implements MigrationInterface {
  name = 'SlackClaimsAndTeamPagerDuty1795910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "slack_button_presses" ("press_key" character varying(120) NOT NULL, "action" character varying(40) NOT NULL, "incident_id" uuid NOT NULL, "step_index" integer NOT NULL, "user_id" character varying(32) NOT NULL, "user_name" character varying(200), "reply" jsonb NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "attempts" integer NOT NULL DEFAULT 0, "lease_until" TIMESTAMP WITH TIME ZONE, "done_at" TIMESTAMP WITH TIME ZONE, "error" text, CONSTRAINT "PK_slack_button_presses" PRIMARY KEY ("press_key"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_slack_button_presses_open" ON "slack_button_presses" ("lease_until") WHERE "done_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_slack_button_presses_received" ON "slack_button_presses" ("received_at")`);
    await queryRunner.query(
      `CREATE TABLE "slack_view_submissions" ("view_id" character varying(64) NOT NULL, "callback_id" character varying(64) NOT NULL, "claimed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_slack_view_submissions" PRIMARY KEY ("view_id", "callback_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_slack_view_submissions_claimed" ON "slack_view_submissions" ("claimed_at")`);
    await queryRunner.query(`ALTER TABLE "teams" ADD "pagerduty_routing_key" character varying(64)`);
    await queryRunner.query(`ALTER TABLE "teams" ADD "pagerduty_configured" boolean GENERATED ALWAYS AS ("pagerduty_routing_key" IS NOT NULL) STORED`);
    await queryRunner.query(
      `UPDATE "teams" t SET "pagerduty_routing_key" = o."pagerduty_routing_key" FROM "team_oncall" o WHERE o."team_id" = t."id" AND o."pagerduty_routing_key" IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "team_oncall" o SET "pagerduty_routing_key" = t."pagerduty_routing_key" FROM "teams" t WHERE o."team_id" = t."id" AND t."pagerduty_routing_key" IS NOT NULL`,
    );
    await queryRunner.query(`ALTER TABLE "teams" DROP COLUMN "pagerduty_configured"`);
    await queryRunner.query(`ALTER TABLE "teams" DROP COLUMN "pagerduty_routing_key"`);
    await queryRunner.query(`DROP TABLE "slack_view_submissions"`);
    await queryRunner.query(`DROP TABLE "slack_button_presses"`);
  }
}
