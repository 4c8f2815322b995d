import { Module } from '@nestjs/common';
import { CatalogModule } from '@app/catalog';
import { OncallController } from './oncall.controller';
import { OncallService } from './oncall.service';
import { OncallStore } from './oncall.store';
import { PagerDutyEvents } from './pagerduty-events';

/** Team rotations (PUT/GET /api/v1/teams/:slug/oncall) and the paging tables; the Slack module pages with them. */
@Module({
  imports: [CatalogModule],
  controllers: [OncallController],
  providers: [OncallStore, OncallService, PagerDutyEvents],
  exports: [OncallStore, OncallService, PagerDutyEvents],
})
export class OncallModule {}
