import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { Clock, LoggingModule, MetricsModule, PlatformModule } from '@app/platform';
import { CatalogModule } from '@app/catalog';
import { AlertmanagerModule } from './alertmanager/alertmanager.module';
import { BearerAuthGuard } from './auth/bearer-auth.guard';
import { BudgetPolicyModule } from './budget-policy/budget-policy.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { DigestModule } from './digest/digest.module';
import { NotificationsModule } from './notifications/notifications.module';
import { CatalogHttpModule } from './catalog/catalog-http.module';
import { HealthModule } from './health/health.module';
import { IncidentsHttpModule } from './incidents/incidents-http.module';
import { InsightsHttpModule } from './insights/insights-http.module';
import { SloHttpModule } from './slo/slo-http.module';
import { SlackModule } from './slack/slack.module';
import { StatusHttpModule } from './status/status-http.module';
import { AdminHttpModule } from './admin/admin-http.module';
import { StatusSubscriptionsHttpModule } from './status-subscriptions/status-subscriptions-http.module';
import { BreachIncidentsModule } from './breach-incidents/breach-incidents.module';
import { DeployGateModule } from './deploy-gate/deploy-gate.module';
import { PostmortemsModule } from './postmortems/postmortems.module';
import { DeliveryHttpModule } from './delivery/delivery-http.module';
import { HomeModule } from './home/home.module';

export interface ApiModuleOptions {
  config: AppConfig;
  databaseUrl: string;
  /** Replaces the wall clock (tests). */
  clock?: Clock;
}

@Module({})
export class ApiAppModule {
  static forRoot(options: ApiModuleOptions): DynamicModule {
    return {
      module: ApiAppModule,
      imports: [
        ConfigModule.forRoot(options.config),
        EventEmitterModule.forRoot(),
        // Periodic jobs run only in replicas that opt in; tests drive jobs directly.
        ...(options.config.SCHEDULER_ENABLED ? [ScheduleModule.forRoot()] : []),
        PlatformModule.forRoot({ clock: options.clock }),
        LoggingModule.forRoot('api'),
        DatabaseModule.forRoot({ url: options.databaseUrl, applicationName: 'ballast-api' }),
        MetricsModule,
        HealthModule,
        NotificationsModule,
        CatalogModule,
        CatalogHttpModule,
        IncidentsHttpModule,
        InsightsHttpModule,
        SloHttpModule,
        SlackModule,
        AlertmanagerModule,
        StatusHttpModule,
        BudgetPolicyModule,
        DigestModule,
        DashboardModule,
        AdminHttpModule,
        StatusSubscriptionsHttpModule,
        PostmortemsModule,
        DeployGateModule,
        BreachIncidentsModule,
        DeliveryHttpModule,
        HomeModule,
      ],
      providers: [{ provide: APP_GUARD, useClass: BearerAuthGuard }],
    };
  }
}
