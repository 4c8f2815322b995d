import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@app/config';
import { Clock, LoggingModule, MetricsModule, PlatformModule } from '@app/platform';
import { StatusPageHealthController } from './health/health.controller';
import { SnapshotRequestHandler } from './http/snapshot-request-handler';
import { StatusPageRenderer } from './render/status-page-renderer';
import { STATUS_PAGE_DATABASE_URL, SnapshotService } from './snapshot/snapshot.service';
import { SnapshotWorkerClient } from './snapshot/snapshot-worker-client';
import { StatusPageSubscriptionsModule } from './subscriptions/status-page-subscriptions.module';

export interface StatusPageModuleOptions {
  config: AppConfig;
  databaseUrl: string;
  /** Replaces the wall clock (tests). */
  clock?: Clock;
}

/**
 * The public status page. No TypeORM here: its snapshot worker reads through a
 * lazy `pg` pool so it can start, and keep serving its snapshot, while
 * PostgreSQL is down.
 */
@Module({})
export class StatusPageAppModule {
  static forRoot(options: StatusPageModuleOptions): DynamicModule {
    return {
      module: StatusPageAppModule,
      imports: [
        ConfigModule.forRoot(options.config),
        PlatformModule.forRoot({ clock: options.clock }),
        LoggingModule.forRoot('status-page', { requestContext: false }),
        MetricsModule,
        StatusPageSubscriptionsModule.forRoot(options.databaseUrl),
      ],
      providers: [
        { provide: STATUS_PAGE_DATABASE_URL, useValue: options.databaseUrl },
        StatusPageRenderer,
        SnapshotWorkerClient,
        SnapshotService,
        SnapshotRequestHandler,
      ],
      controllers: [StatusPageHealthController],
    };
  }
}
