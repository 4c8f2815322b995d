import { MigrationInterface, QueryRunner } from 'typeorm';

/** Weekly digests: one row per team and slot; the primary key makes "sent once per week" hold across replicas. */
export class WeeklyDigest1795489146135 implements MigrationInterface {
  name = 'WeeklyDigest1795489146135';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "team_digests" ("team_id" uuid NOT NULL, "scheduled_at" TIMESTAMP WITH TIME ZONE NOT NULL, "delivered" boolean NOT NULL DEFAULT false, "body" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_17a68097df90704753e7f63dd0e" PRIMARY KEY ("team_id", "scheduled_at"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "team_digests" ADD CONSTRAINT "FK_team_digests_team" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "team_digests"`);
  }
}
