import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '@app/config';
import { explainStartupError, provideDatabase } from '@app/database';
import { handleShutdownSignals } from '@app/platform';
import { createStatusPageApp } from './bootstrap';
import { probeSchema, waitForSchema } from './database/wait-for-schema';

const SCHEMA_RETRY_MS = 2000;

async function main(): Promise<void> {
  const logger = new Logger('status-page');
  const config = loadConfig(process.env);
  const database = await provideDatabase(config, (message) => logger.debug(message));
  try {
    // Read-only: the API app runs the migrations. The status page must also come up during the very outage it
    // reports, so an unreachable database does not stop it (it serves the persisted snapshot, or a clear 503).
    await waitForSchema({ probe: () => probeSchema(database.url), log: (message) => logger.log(message), sleep: (ms) => sleep(ms), retryMs: SCHEMA_RETRY_MS });
    const app = await createStatusPageApp({ config, databaseUrl: database.url });
    handleShutdownSignals(app, { graceMs: config.SHUTDOWN_GRACE_MS, afterClose: () => database.stop() });
    await app.listen(config.STATUS_PAGE_PORT, config.HOST);
    logger.log(`Ballast status page listening on http://${config.HOST}:${config.STATUS_PAGE_PORT}`);
  } catch (error) {
    await database.stop().catch(() => undefined);
    throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Ballast status page failed to start: ${explainStartupError(error)}\n`);
  process.exit(1);
});
