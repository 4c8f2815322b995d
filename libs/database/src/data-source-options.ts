import type { DataSourceOptions } from 'typeorm';

type ClassList = DataSourceOptions['migrations'];

export interface DataSourceParts {
  url: string;
  entities?: DataSourceOptions['entities'];
  migrations?: ClassList;
  applicationName?: string;
  poolSize?: number;
}

/** The one place TypeORM connection options are built. Never `synchronize`. */
export function buildDataSourceOptions(parts: DataSourceParts): DataSourceOptions {
  return {
    type: 'postgres',
    url: parts.url,
    entities: parts.entities ?? [],
    migrations: parts.migrations ?? [],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+; no extension needed.
    uuidExtension: 'pgcrypto',
    migrationsRun: false,
    // Query errors surface through the exception filter (with an error id) or
    // as typed domain errors; logging them here too would double every line.
    logging: ['warn'],
    applicationName: parts.applicationName ?? 'ballast',
    extra: {
      max: parts.poolSize ?? 10,
      // Fail fast while the database is unreachable instead of queueing forever.
      connectionTimeoutMillis: 2000,
      idleTimeoutMillis: 10000,
      statement_timeout: 30000,
    },
  };
}
