import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Calendar windows (issue 22): an SLO measured over the current week, month or
 * quarter of an IANA time zone. `window_days` keeps a nominal rolling length
 * (7, 30, 90) for readers that only know rolling windows.
 */
export class SloCalendarWindows1795930000000 implements MigrationInterface {
  name = 'SloCalendarWindows1795930000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "slos" ADD "window_calendar" character varying(8)`);
    await queryRunner.query(`ALTER TABLE "slos" ADD "window_time_zone" character varying(64)`);
    await queryRunner.query(
      `ALTER TABLE "slos" ADD CONSTRAINT "CHK_slos_window_calendar" CHECK ("window_calendar" IN ('week', 'month', 'quarter') AND "window_time_zone" IS NOT NULL OR "window_calendar" IS NULL AND "window_time_zone" IS NULL)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "slos" DROP CONSTRAINT "CHK_slos_window_calendar"`);
    await queryRunner.query(`ALTER TABLE "slos" DROP COLUMN "window_time_zone"`);
    await queryRunner.query(`ALTER TABLE "slos" DROP COLUMN "window_calendar"`);
  }
}
