import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One link between an SLO and a status component (issue 19 item 7): a row of
 * status_component_slos. An SLO policy's `statusComponentId` is now an alias
 * that writes that row; until now the row appeared only at the SLO's first
 * page burn. Existing policies that name a component get their row here (state
 * unknown until the next evaluation or status job tick fills it). Down removes
 * nothing: the rows are indistinguishable from links made through `sloIds`,
 * and keeping them is what the code before this migration did after a burn.
 */
export class SloComponentLinkFromPolicy1795960000000 implements MigrationInterface {
  name = 'SloComponentLinkFromPolicy1795960000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `INSERT INTO "status_component_slos" ("component_id", "slo_id", "state", "state_changed_at", "status_on")
       SELECT c."id", s."id"::varchar, NULL, NULL, 'page'
         FROM "slos" s JOIN "status_components" c ON c."id" = s."policy"->>'statusComponentId'
       ON CONFLICT ("component_id", "slo_id") DO NOTHING`,
    );
  }

  public async down(): Promise<void> {
    // Nothing to undo (see above).
  }
}
