import { Logger } from '@nestjs/common';
import { loadConfig } from '@app/config';
import { explainStartupError, migrateDatabase, provideDatabase } from '@app/database';
import { handleShutdownSignals } from '@app/platform';
import { MIGRATIONS } from '../../../migrations';
import { createApiApp } from './bootstrap';

async function main(): Promise<void> {
  const logger = new Logger('api');
  const config = loadConfig(process.env);
  const database = await provideDatabase(config, (message) => logger.debug(message));
  try {
    const applied = await migrateDatabase({ url: database.url, migrations: MIGRATIONS });
    if (applied.length > 0) logger.log(`applied migrations: ${applied.join(', ')}`);
    const app = await createApiApp({ config, databaseUrl: database.url });
    handleShutdownSignals(app, { graceMs: config.SHUTDOWN_GRACE_MS, afterClose: () => database.stop() });
    await app.listen(config.API_PORT, config.HOST);
    logger.log(`Ballast API listening on http://${config.HOST}:${config.API_PORT} (docs at /docs)`);
  } catch (error) {
    await database.stop().catch(() => undefined);
    throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Ballast API failed to start: ${explainStartupError(error)}\n`);
  process.exit(1);
});
