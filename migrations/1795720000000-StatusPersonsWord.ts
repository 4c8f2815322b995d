import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A person's status wins over the SLOs, optionally until a time; each SLO link
 * remembers which burning tier (the SLO policy's componentStatusOn) moves the component.
 */
export class StatusPersonsWord1795720000000 implements MigrationInterface {
  name = 'StatusPersonsWord1795720000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "status_components" ADD "manual_status_until" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "status_component_slos" ADD "status_on" character varying(8) NOT NULL DEFAULT 'page'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "status_component_slos" DROP COLUMN "status_on"`);
    await queryRunner.query(`ALTER TABLE "status_components" DROP COLUMN "manual_status_until"`);
  }
}
