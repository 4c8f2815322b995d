// Data source for the TypeORM CLI (`npm run migration:generate|run|revert`).
// DATABASE_URL when set; otherwise the embedded PostgreSQL under DATA_DIR is
// started for the duration of the command.
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { buildDataSourceOptions, provideDatabase } from '@app/database';
import { ALL_ENTITIES } from './entities';
import { MIGRATIONS } from './index';

async function createDataSource(): Promise<DataSource> {
  const config = loadConfig(process.env);
  const database = await provideDatabase(config);
  process.once('beforeExit', () => void database.stop());
  return new DataSource(buildDataSourceOptions({ url: database.url, entities: ALL_ENTITIES, migrations: MIGRATIONS, applicationName: 'ballast-cli' }));
}

export default createDataSource();
