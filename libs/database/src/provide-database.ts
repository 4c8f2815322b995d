import { AppConfig } from '@app/config';
import { RunningDatabase, startEmbeddedPostgres } from './embedded-postgres';

/** DATABASE_URL when set; otherwise an embedded PostgreSQL under DATA_DIR. */
export async function provideDatabase(config: AppConfig, log?: (message: string) => void): Promise<RunningDatabase> {
  if (config.DATABASE_URL) {
    return { url: config.DATABASE_URL, owned: false, stop: async () => undefined };
  }
  return startEmbeddedPostgres({ dataDir: config.DATA_DIR, port: config.EMBEDDED_PG_PORT, log });
}
