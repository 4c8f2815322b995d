import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18, the last gaps:
 * - teams.metric_labels: label matchers (name → value) every PromQL selector
 *   of the team's SLOs must carry (like prom-label-proxy); NULL = none
 *   (or SLO_REQUIRED_TEAM_LABEL's default);
 * - evaluate_rate_windows: the per-token count of POST /slos/:id/evaluate per
 *   minute window, shared by every API replica (one row per token and window).
 */
export class MetricLabelsAndSharedRateLimit1795900000000 implements MigrationInterface {
  name = 'MetricLabelsAndSharedRateLimit1795900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "teams" ADD "metric_labels" jsonb`);
    await queryRunner.query(`CREATE TABLE "evaluate_rate_windows" (
        "token_key" character varying(64) NOT NULL,
        "window_start" TIMESTAMP WITH TIME ZONE NOT NULL,
        "count" integer NOT NULL,
        CONSTRAINT "PK_evaluate_rate_windows" PRIMARY KEY ("token_key", "window_start"))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "evaluate_rate_windows"`);
    await queryRunner.query(`ALTER TABLE "teams" DROP COLUMN "metric_labels"`);
  }
}
