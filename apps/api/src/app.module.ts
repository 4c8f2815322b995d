import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { LoggingModule, MetricsModule, PlatformModule } from '@app/platform';
import { CatalogModule } from '@app/catalog';
import { BearerAuthGuard } from './auth/bearer-auth.guard';
import { CatalogHttpModule } from './catalog/catalog-http.module';
import { HealthModule } from './health/health.module';

export interface ApiModuleOptions {
  config: AppConfig;
  databaseUrl: string;
}

@Module({})
export class ApiAppModule {
  static forRoot(options: ApiModuleOptions): DynamicModule {
    return {
      module: ApiAppModule,
      imports: [
        ConfigModule.forRoot(options.config),
        PlatformModule,
        LoggingModule.forRoot('api'),
        DatabaseModule.forRoot({ url: options.databaseUrl, applicationName: 'ballast-api' }),
        MetricsModule,
        HealthModule,
        CatalogModule,
        CatalogHttpModule,
      ],
      providers: [{ provide: APP_GUARD, useClass: BearerAuthGuard }],
    };
  }
}
