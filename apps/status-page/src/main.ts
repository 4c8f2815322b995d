import { Logger } from '@nestjs/common';
import { loadConfig } from '@app/config';
import { explainStartupError, migrateDatabase, provideDatabase } from '@app/database';
import { handleShutdownSignals } from '@app/platform';
import { MIGRATIONS } from '../../../migrations';
import { createStatusPageApp } from './bootstrap';
import { keepHelperThreadsDeprioritised } from './helper-threads';
import { WORKER_NICENESS } from './snapshot/snapshot.service';

const HELPER_THREAD_SWEEP_MS = 10_000;

async function main(): Promise<void> {
  const logger = new Logger('status-page');
  const config = loadConfig(process.env);
  const database = await provideDatabase(config, (message) => logger.debug(message));
  try {
    try {
      await migrateDatabase({ url: database.url, migrations: MIGRATIONS });
    } catch (error) {
      // The status page must come up during the very outage it reports: serve the
      // persisted snapshot (or a clear 503) and keep retrying the database.
      logger.warn(`could not migrate the database (${error instanceof Error ? error.message : String(error)}); starting from the persisted snapshot`);
    }
    const app = await createStatusPageApp({ config, databaseUrl: database.url });
    handleShutdownSignals(app, { graceMs: config.SHUTDOWN_GRACE_MS, afterClose: () => database.stop() });
    await app.listen(config.STATUS_PAGE_PORT, config.HOST);
    logger.log(`Ballast status page listening on http://${config.HOST}:${config.STATUS_PAGE_PORT}`);
    // This process serves the page: its helper threads must not take the serving thread's CPU.
    // Now, and every 10 s for threads started later (libuv's pool starts on first use; a replaced worker).
    keepHelperThreadsDeprioritised(WORKER_NICENESS, HELPER_THREAD_SWEEP_MS);
  } catch (error) {
    await database.stop().catch(() => undefined);
    throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Ballast status page failed to start: ${explainStartupError(error)}\n`);
  process.exit(1);
});
