export { buildDataSourceOptions } from './data-source-options';
export type { DataSourceParts } from './data-source-options';
export { DatabaseModule } from './database.module';
export type { DatabaseModuleOptions } from './database.module';
export { startEmbeddedPostgres } from './embedded-postgres';
export type { EmbeddedPostgresOptions, RunningDatabase } from './embedded-postgres';
export { migrateDatabase } from './migrate';
export { provideDatabase } from './provide-database';
export { DatabaseStartupError, explainStartupError } from './startup-errors';
