import { DataSource } from 'typeorm';
import { buildDataSourceOptions, DataSourceParts } from './data-source-options';

// Any constant works; it only has to be the same in every Ballast process.
const MIGRATION_LOCK_KEY = 7_204_511_031;

/**
 * Applies pending migrations before an app serves. Concurrent starters (api and
 * status page, several replicas) serialise on a PostgreSQL advisory lock.
 */
export async function migrateDatabase(parts: Pick<DataSourceParts, 'url' | 'migrations'>): Promise<string[]> {
  const dataSource = new DataSource(buildDataSourceOptions({ url: parts.url, migrations: parts.migrations, applicationName: 'ballast-migrate', poolSize: 2 }));
  await dataSource.initialize();
  const lockRunner = dataSource.createQueryRunner();
  try {
    await lockRunner.connect();
    await lockRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await lockRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockRunner.release();
    await dataSource.destroy();
  }
}
