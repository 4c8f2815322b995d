import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { CatalogModule } from '@app/catalog';
import { IncidentsModule } from '@app/incidents';
import { SloModule } from '@app/slo';
import { DashboardViews } from './dashboard-views';
import { DashboardController } from './dashboard.controller';
import { DashboardService } from './dashboard.service';
import { dashboardSecurityHeaders } from './dashboard-security';
import { PostmortemsModule } from '../postmortems/postmortems.module';

@Module({
  imports: [CatalogModule, IncidentsModule, SloModule, PostmortemsModule],
  providers: [DashboardService, DashboardViews],
  controllers: [DashboardController],
})
export class DashboardModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(dashboardSecurityHeaders).forRoutes(DashboardController);
  }
}
