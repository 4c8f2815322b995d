import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18 (isolation, audit trail, hostile input):
 * - audit_log: every write through the API, Slack and the webhooks; append-only
 *   (a trigger refuses UPDATE, DELETE and TRUNCATE, so not even the app's own
 *   role can rewrite history through SQL);
 * - api_tokens.issued_by_token_id / generated: revoking a token revokes what it
 *   issued; a configured API_ADMIN_TOKEN retires generated admin tokens;
 * - slack_seen_signatures: a replayed signed Slack request changes nothing,
 *   across replicas;
 * - Alertmanager dedup keys gain the team (two teams may share a groupKey).
 */
export class IsolationAndAudit1795700000000 implements MigrationInterface {
  name = 'IsolationAndAudit1795700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_log" ("id" bigserial NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "channel" character varying(16) NOT NULL, "actor_kind" character varying(16) NOT NULL, "actor_token_id" uuid, "actor_team" character varying(63), "actor_slack_user" character varying(64), "action" character varying(200) NOT NULL, "target_type" character varying(64), "target_id" character varying(200), "request_id" character varying(100), "changed_fields" jsonb NOT NULL DEFAULT '[]', "outcome" integer, "details" jsonb, CONSTRAINT "PK_audit_log" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_audit_log_occurred_at" ON "audit_log" ("occurred_at", "id")`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_log_target" ON "audit_log" ("target_type", "target_id", "occurred_at")`);
    await queryRunner.query(`CREATE FUNCTION "audit_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "audit_log_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log" FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`,
    );

    await queryRunner.query(`ALTER TABLE "api_tokens" ADD "issued_by_token_id" uuid`);
    await queryRunner.query(`ALTER TABLE "api_tokens" ADD "generated" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`CREATE INDEX "IDX_api_tokens_issued_by" ON "api_tokens" ("issued_by_token_id")`);
    await queryRunner.query(`UPDATE "api_tokens" SET "generated" = true WHERE "team_id" IS NULL AND "name" = 'admin (generated at first start)'`);

    await queryRunner.query(
      `CREATE TABLE "slack_seen_signatures" ("signature" character varying(100) NOT NULL, "seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_slack_seen_signatures" PRIMARY KEY ("signature"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_slack_seen_signatures_seen_at" ON "slack_seen_signatures" ("seen_at")`);

    await queryRunner.query(`UPDATE "incidents" i SET "dedup_key" = left('alertmanager:' || t.slug || ':' || substr(i.dedup_key, 14), 500)
            FROM "teams" t WHERE t.id = i.team_id AND i.source = 'alertmanager' AND i.dedup_key LIKE 'alertmanager:%'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "slack_seen_signatures"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_api_tokens_issued_by"`);
    await queryRunner.query(`ALTER TABLE "api_tokens" DROP COLUMN "generated"`);
    await queryRunner.query(`ALTER TABLE "api_tokens" DROP COLUMN "issued_by_token_id"`);
    await queryRunner.query(`DROP TABLE "audit_log"`);
    await queryRunner.query(`DROP FUNCTION "audit_log_append_only"()`);
  }
}
