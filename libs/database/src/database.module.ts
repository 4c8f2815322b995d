import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { buildDataSourceOptions } from './data-source-options';

export interface DatabaseModuleOptions {
  url: string;
  applicationName: string;
  poolSize?: number;
}

/**
 * TypeORM root connection. Entities are registered by each feature module
 * (`TypeOrmModule.forFeature`) and picked up through autoLoadEntities. The
 * schema comes from migrations only, applied before the app is created.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...buildDataSourceOptions({ url: options.url, applicationName: options.applicationName, poolSize: options.poolSize }),
          autoLoadEntities: true,
          // Keep retrying at boot only briefly: main.ts has already connected once to migrate.
          retryAttempts: 3,
          retryDelay: 500,
        }),
      ],
    };
  }
}
