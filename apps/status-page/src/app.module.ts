import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { Clock, LoggingModule, MetricsModule, PlatformModule } from '@app/platform';
import { StatusPageHealthController } from './health/health.controller';
import { PagesController } from './pages/pages.controller';

export interface StatusPageModuleOptions {
  config: AppConfig;
  databaseUrl: string;
  /** Replaces the wall clock (tests). */
  clock?: Clock;
}

@Module({})
export class StatusPageAppModule {
  static forRoot(options: StatusPageModuleOptions): DynamicModule {
    return {
      module: StatusPageAppModule,
      imports: [
        ConfigModule.forRoot(options.config),
        PlatformModule.forRoot({ clock: options.clock }),
        LoggingModule.forRoot('status-page'),
        DatabaseModule.forRoot({ url: options.databaseUrl, applicationName: 'ballast-status-page', poolSize: 4 }),
        MetricsModule,
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [PagesController, StatusPageHealthController],
    };
  }
}
