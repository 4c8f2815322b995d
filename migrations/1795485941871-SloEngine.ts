import { MigrationInterface, QueryRunner } from 'typeorm';

export class SloEngine1795485941871 implements MigrationInterface {
  name = 'SloEngine1795485941871';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "slos" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "service_id" uuid NOT NULL, "name" character varying(200) NOT NULL, "description" text, "objective" double precision NOT NULL, "window_days" integer NOT NULL, "indicator" jsonb NOT NULL, "policy" jsonb NOT NULL, "state" character varying(16), "status" jsonb, "last_good_counts" jsonb, "sli" double precision, "error_budget_remaining" double precision, "evaluated_at" TIMESTAMP WITH TIME ZONE, "last_success_at" TIMESTAMP WITH TIME ZONE, "consecutive_failures" integer NOT NULL DEFAULT '0', "last_error" text, "failing_since" TIMESTAMP WITH TIME ZONE, "next_evaluation_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "claim_token" uuid, "buckets_from" TIMESTAMP WITH TIME ZONE, "buckets_until" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_88c186866e955d0595f2018d456" PRIMARY KEY ("id"))`,
    );
    // Hand-added: the domain's invariants, also enforced in the database.
    await queryRunner.query(`ALTER TABLE "slos" ADD CONSTRAINT "CHK_slos_objective" CHECK ("objective" > 0 AND "objective" < 1)`);
    await queryRunner.query(`ALTER TABLE "slos" ADD CONSTRAINT "CHK_slos_window_days" CHECK ("window_days" BETWEEN 1 AND 90)`);
    await queryRunner.query(
      `ALTER TABLE "slos" ADD CONSTRAINT "CHK_slos_state" CHECK ("state" IS NULL OR "state" IN ('ok', 'warning', 'critical', 'no_data', 'stale', 'error'))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_slos_state" ON "slos"  ("state") `);
    await queryRunner.query(`CREATE INDEX "IDX_slos_next_evaluation" ON "slos"  ("next_evaluation_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_slos_service_name" ON "slos"  ("service_id", "name") `);
    await queryRunner.query(
      `CREATE TABLE "slo_event_buckets" ("slo_id" uuid NOT NULL, "bucket_start" TIMESTAMP WITH TIME ZONE NOT NULL, "bad" double precision NOT NULL, "total" double precision NOT NULL, "cum_bad" double precision NOT NULL, "cum_total" double precision NOT NULL, CONSTRAINT "PK_9357c0c91ae90a6f76f6c355460" PRIMARY KEY ("slo_id", "bucket_start"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "slo_evaluations" ("id" BIGSERIAL NOT NULL, "slo_id" uuid NOT NULL, "evaluated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "state" character varying(16) NOT NULL, "sli" double precision, "error_budget_remaining" double precision, "burn_rate_5m" double precision, "burn_rate_30m" double precision, "burn_rate_1h" double precision, "burn_rate_2h" double precision, "burn_rate_6h" double precision, "burn_rate_1d" double precision, "burn_rate_3d" double precision, "burn_rate_window" double precision, "window_bad_events" double precision, "window_total_events" double precision, "status" jsonb NOT NULL, CONSTRAINT "PK_a9a1048071608b723eb23e7fb40" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_slo_evaluations_slo_time" ON "slo_evaluations"  ("slo_id", "evaluated_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_slo_evaluations_time" ON "slo_evaluations"  ("evaluated_at") `);
    await queryRunner.query(
      `ALTER TABLE "slos" ADD CONSTRAINT "FK_fb6aa5ec2679387cb1fc213fc72" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "slo_event_buckets" ADD CONSTRAINT "FK_e21935317b2f9d9387e756d856a" FOREIGN KEY ("slo_id") REFERENCES "slos"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "slo_evaluations" ADD CONSTRAINT "FK_f344bcd9c27bd6e20be3d8b80d6" FOREIGN KEY ("slo_id") REFERENCES "slos"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "slo_evaluations" DROP CONSTRAINT "FK_f344bcd9c27bd6e20be3d8b80d6"`);
    await queryRunner.query(`ALTER TABLE "slo_event_buckets" DROP CONSTRAINT "FK_e21935317b2f9d9387e756d856a"`);
    await queryRunner.query(`ALTER TABLE "slos" DROP CONSTRAINT "FK_fb6aa5ec2679387cb1fc213fc72"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_slo_evaluations_time"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_slo_evaluations_slo_time"`);
    await queryRunner.query(`DROP TABLE "slo_evaluations"`);
    await queryRunner.query(`DROP TABLE "slo_event_buckets"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_slos_service_name"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_slos_next_evaluation"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_slos_state"`);
    await queryRunner.query(`DROP TABLE "slos"`);
  }
}
