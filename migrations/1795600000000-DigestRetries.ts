import { MigrationInterface, QueryRunner } from 'typeorm';

/** Weekly digests whose send failed are tried again: attempts, when the last one was claimed, and why it did not deliver. */
export class DigestRetries1795600000000 implements MigrationInterface {
  name = 'DigestRetries1795600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "team_digests" ADD "attempts" integer NOT NULL DEFAULT 1`);
    await queryRunner.query(`ALTER TABLE "team_digests" ADD "last_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`);
    await queryRunner.query(`ALTER TABLE "team_digests" ADD "failure" text`);
    // Before this, a digest that did not deliver was never tried again; what it was is not known, so it stays as it is.
    await queryRunner.query(`UPDATE "team_digests" SET "failure" = 'undeliverable' WHERE "delivered" = false`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "team_digests" DROP COLUMN "failure"`);
    await queryRunner.query(`ALTER TABLE "team_digests" DROP COLUMN "last_attempt_at"`);
    await queryRunner.query(`ALTER TABLE "team_digests" DROP COLUMN "attempts"`);
  }
}
