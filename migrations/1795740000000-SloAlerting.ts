import { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-SLO alert naming for exported rules (Sloth's alerting: name, labels, page/ticket labels). */
export class SloAlerting1795740000000 implements MigrationInterface {
  name = 'SloAlerting1795740000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "slos" ADD "alerting" jsonb`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "slos" DROP COLUMN "alerting"`);
  }
}
